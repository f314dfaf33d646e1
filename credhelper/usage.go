package credhelper

import (
	"slices"
	"strings"
)

const usageLine = "Usage: docker-credential-regcred [--config FILE] <store|get|erase|list|version>"

const helpText = usageLine + `

One credential helper for every container registry. Clients run it with a
verb and talk to it on stdin/stdout (the Docker credential-helper protocol):

  get       read a registry or image on stdin, print {"ServerURL","Username","Secret"}
  store     read {"ServerURL","Username","Secret"} on stdin (docker login): kept in the
            OS keyring (else a private file) and tried after the configured entries
  erase     read a registry on stdin and forget what is stored or cached for it
  list      print a JSON object: registry -> username (configured hosts, stored logins)
  version   print the version

Other commands:
  kubelet              answer a kubelet CredentialProviderRequest on stdin (set
                       args: [kubelet] in the kubelet's CredentialProviderConfig)
  cache list           show cached tokens: key, registry, entry, store, expiry (no secrets)
  cache clear [REG]    forget cached tokens, all or one registry's
  check [--verify] [--allow-http] [--kubelet-config FILE] [--output table|json] [REGISTRY|IMAGE ...]
                       validate the config, show what each entry serves, resolve each
                       entry (or the requests named) and, with --verify, prove each
                       credential against the registry (GET /v2/, token, repository);
                       exits 1 if anything fails. Never prints a secret.
                       --kubelet-config warns where a service-account provider's
                       matchImages overlap a node-identity provider's.
  configure-docker [--dir DIR] [--dry-run] [--cloud] [--host HOST]... [--force]
                       point docker's config.json credHelpers at regcred for the
                       config's exact hosts (--cloud: GCR, Artifact Registry, ECR Public)
  setup podman|crio|kubelet|nerdctl|containerd [--write] [--file PATH] [--user|--system]
                       print (--write: write, backing up) what each client needs
  pull-secret --name NAME --namespace NS [--raw] REGISTRY...
                       print a kubernetes.io/dockerconfigjson Secret manifest (--raw:
                       its .dockerconfigjson only) with each registry's credential,
                       for GitOps and CI; writes nothing else (see docs/cluster.md)

Options:
  --config FILE   config file (else $REGCRED_CONFIG, $XDG_CONFIG_HOME/regcred/config.yaml,
                  ~/.config/regcred/config.yaml, /etc/regcred/config.yaml)
  --version, -v   print the version
  --help, -h      this text

Environment:
  REGCRED_LOG=debug   log which entries matched, which were tried and why each was
                      skipped (to stderr; secrets are never logged)
  REGCRED_CACHE=none  override the config's cache store (auto, sealed, keyring, file, none)
`

// commandHelp is helpText's part about verb: each line that names it and
// the lines indented under them, under the usage line. false when helpText
// does not name verb.
func commandHelp(verb string) (string, bool) {
	var b strings.Builder
	in := false
	for _, l := range strings.Split(helpText, "\n") {
		switch {
		case strings.HasPrefix(l, "  "+verb+" "):
			in = true
		case in && strings.HasPrefix(l, "    "):
		default:
			in = false
		}
		if in {
			b.WriteString(l + "\n")
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return "Usage: " + Name + " [--config FILE] " + verb + " …\n\n" + b.String(), true
}

// asksForHelp reports whether args hold --help or -h.
func asksForHelp(args []string) bool {
	return slices.Contains(args, "--help") || slices.Contains(args, "-h")
}
