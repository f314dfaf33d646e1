package clientsetup

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
)

// Where the snippets go by default.
const (
	SystemRegistriesDropIn = "/etc/containers/registries.conf.d/50-regcred.conf"
	KubeletProviderConfig  = "/etc/kubernetes/credential-provider.yaml"
	KubeletProviderBinDir  = "/usr/local/libexec/kubernetes/credential-providers"
)

const RegistriesDropIn = `# Written by docker-credential-regcred setup.
# containers/image (podman, skopeo, buildah, CRI-O) asks these helpers, in
# order, for every registry: the auth.json files first, then regcred.
credential-helpers = ["containers-auth.json", "regcred"]
`

// setupContainers is podman's (and skopeo's, buildah's) or CRI-O's
// registries.conf drop-in.
func (cs *Runner) setupContainers(opts setupOptions, crio bool) (setupPlan, error) {
	path := SystemRegistriesDropIn
	if !opts.system {
		if cs.Home == "" {
			return setupPlan{}, errors.New("setup: no home directory for the user drop-in; use --system or --file")
		}
		path = filepath.Join(cs.Home, ".config", "containers", "registries.conf.d", "50-regcred.conf")
	}
	plan := setupPlan{snippets: []snippet{{title: "registries.conf drop-in", path: path, content: []byte(RegistriesDropIn)}}}
	plan.notes = append(plan.notes,
		"containers/image ignores docker's credsStore; credential-helpers in registries.conf (above) or\n"+
			"credHelpers in auth.json / ~/.docker/config.json are its ways to reach a helper.",
		"A later drop-in or registries.conf that sets credential-helpers replaces this list;\n"+
			"if yours does, add \"regcred\" there instead.")
	if hosts, err := cs.configHosts(); err == nil && len(hosts) > 0 {
		plan.notes = append(plan.notes, "Per registry instead of for all: an auth.json with\n"+authJSONSnippet(hosts)+
			"\n(`docker-credential-regcred configure-docker` writes the same into ~/.docker/config.json, which containers/image also reads).")
	}
	if crio {
		plan.notes = append(plan.notes,
			"CRI-O runs as root: put docker-credential-regcred on the PATH of its service (e.g. /usr/local/bin)\n"+
				"and the config in /etc/regcred/config.yaml. `systemctl reload crio` (SIGHUP) re-reads registries.conf.",
			"On Kubernetes the kubelet passes credentials with each pull, and CRI-O consults its own helpers only\n"+
				"when it passes none: the kubelet credential provider (`setup kubelet`) is the way there.")
	}
	return plan, nil
}

func authJSONSnippet(hosts []string) string {
	m := map[string]string{}
	for _, h := range hosts {
		m[h] = HelperName
	}
	data, _ := json.MarshalIndent(map[string]any{"credHelpers": m}, "", "  ")
	return string(data)
}

// configHosts are the config's exact hosts (anonymous entries aside).
func (cs *Runner) configHosts() ([]string, error) {
	cfg, err := cs.LoadConfig()
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, e := range cfg.Registries {
		if !e.Pattern().HasGlob() && e.Kind() != "anonymous" {
			hosts = append(hosts, e.Pattern().HostPort())
		}
	}
	slices.Sort(hosts)
	return slices.Compact(hosts), nil
}

// setupNerdctl: nerdctl reads docker's config.json (nerdctl.toml has no
// credential setting), so it is configure-docker's edit.
func (cs *Runner) setupNerdctl() (setupPlan, error) {
	dir, err := cs.dockerConfigDir()
	if err != nil {
		return setupPlan{}, err
	}
	hosts, err := cs.dockerHelperHosts(configureDockerOptions{})
	if err != nil {
		return setupPlan{}, err
	}
	var plan credHelpersPlan
	return setupPlan{
		snippets: []snippet{{title: "docker config.json credHelpers (nerdctl reads it)", path: filepath.Join(dir, "config.json"), private: true,
			merge: func(path string, old []byte) ([]byte, error) {
				var err error
				plan, err = planCredHelpersFrom(path, old, hosts, false)
				return plan.new, err
			},
			done: func() { cs.reportHelperChanges(plan) }}},
		notes: []string{
			"nerdctl.toml has no credential setting: nerdctl uses $DOCKER_CONFIG/config.json (credHelpers, credsStore).",
			"Rootful nerdctl under sudo reads /root/.docker/config.json: run this with sudo too (or DOCKER_CONFIG).",
			"nerdctl asks for host:443, https://host and host in turn; regcred treats them as one registry.",
		},
	}, nil
}

// setupContainerd says what there is: containerd itself never runs a
// credential helper.
func setupContainerd() setupPlan {
	return setupPlan{notes: []string{
		"containerd runs no credential helper, so there is no snippet for it. The options, in order of preference:",
		"1. On Kubernetes: the kubelet credential provider (`setup kubelet`). The kubelet hands the\n" +
			"   credential to containerd's CRI plugin with each pull; nothing on containerd changes.",
		"2. nerdctl: it reads docker's config.json and runs the helper (`setup nerdctl`).",
		"3. ctr / crictl: no helper support. `ctr images pull --user USER:SECRET` and `crictl pull --creds`\n" +
			"   take the credential on the command line, where other users can read it (ps): only for one-off use.",
		"4. containerd's config.toml registry auth holds static credentials only (and is deprecated):\n" +
			"   expiring tokens (ECR 12 h, Google 1 h) cannot live there.",
	}}
}
