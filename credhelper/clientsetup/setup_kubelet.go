package clientsetup

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/kubeletconfig"
)

// WorkloadProviderName is the second provider's name in the generated
// CredentialProviderConfig: a symlink to the front in the bin dir.
const WorkloadProviderName = "regcred-workload"

// kubeletProvider is one provider of the generated CredentialProviderConfig.
type kubeletProvider struct {
	name, comment string
	matchImages   []string
	// annotations, for a service-account provider: the keys the kubelet
	// passes; serviceAccount marks one.
	serviceAccount bool
	annotations    []string
	// kinds of the entries a service-account provider answers, which
	// choose the token's audience.
	kinds []string
}

// Token audiences of a service-account provider: regcred's own name, which
// a Vault role or an AWS OIDC provider is set to accept, and the one
// Entra's federated credentials accept by default, when every entry is
// ACR's.
const (
	defaultAudience = "regcred"
	entraAudience   = "api://AzureADTokenExchange"
)

// audience is the token audience for p's entries, and what says so.
func (p kubeletProvider) audience() (aud, comment string) {
	if len(p.kinds) > 0 && !slices.ContainsFunc(p.kinds, func(k string) bool { return k != "acr" }) {
		return entraAudience, "the token's aud: what Entra's federated credentials accept by default"
	}
	comment = "the token's aud: what your Vault role, AWS OIDC provider or Google pool provider accepts"
	if slices.Contains(p.kinds, "acr") {
		comment += "; ACR's federated credentials must then list it among their audiences"
	}
	return defaultAudience, comment
}

// setupKubelet is the kubelet's CredentialProviderConfig, its matchImages
// taken from the config's patterns (the kubelet's glob rules are regcred's).
// Entries that log in with the pod's service-account token go to a second
// provider with tokenAttributes; the others to the node-identity provider.
// Where the two providers' matchImages overlap, the kubelet merges their
// answers and every pod gets the node's credential: that is warned about.
// file is --file ("" for the default path); the notes name the file
// written and the directory the executables run from.
func (cs *Runner) setupKubelet(file string) (setupPlan, error) {
	cfg, err := cs.LoadConfig()
	if err != nil {
		return setupPlan{}, err
	}
	entries := cs.Entries(cfg)
	node, pod := kubeletProvidersFor(cs.FrontName, entries)
	if len(node.matchImages) == 0 && len(pod.matchImages) == 0 {
		return setupPlan{}, errors.New("setup kubelet: the config has no entries, so there is nothing for matchImages; write /etc/regcred/config.yaml first")
	}
	doc := kubeletDoc(node, pod, kubeletConfigPath(cfg), kubeletCacheDuration(cfg), builtinPatterns(entries))
	if file == "" {
		file = KubeletProviderConfig
	}
	notes := cs.kubeletNotes(file, len(pod.matchImages) > 0)
	warnings, err := kubeletOverlapWarnings(doc)
	if err != nil {
		return setupPlan{}, err
	}
	for _, w := range warnings {
		cs.Logger.Warn("setup kubelet: overlapping providers", "warning", w)
		notes = append(notes, "WARNING: "+w)
	}
	return setupPlan{snippets: []snippet{cs.kubeletSnippet([]byte(doc), warnings)}, notes: notes}, nil
}

// kubeletConfigPath is the regcred config the kubelet's plugin reads: the
// one this run read, absolute (the kubelet's working directory is not
// ours), else the system one.
func kubeletConfigPath(cfg *config.Config) string {
	if cfg.Path == "" {
		return config.SystemConfigPath
	}
	if abs, err := filepath.Abs(cfg.Path); err == nil {
		return abs
	}
	return cfg.Path
}

// kubeletCacheDuration is defaultCacheDuration: how long the kubelet keeps
// an answer made only of long-lived secrets (tokens with an expiry say
// their own), which the config's cache.ttl already decides for regcred.
func kubeletCacheDuration(cfg *config.Config) string {
	if cfg.Cache.TTL.Set && cfg.Cache.TTL.Duration > 0 {
		return cfg.Cache.TTL.Duration.String()
	}
	return "5m"
}

// builtinPatterns counts the built-in entries' patterns among entries.
func builtinPatterns(entries []*config.Entry) int {
	n := 0
	for _, e := range entries {
		if e.Source() == "built-in" {
			n++
		}
	}
	return n
}

// kubeletDoc writes the CredentialProviderConfig.
func kubeletDoc(node, pod kubeletProvider, configPath, cacheDuration string, builtins int) string {
	var b strings.Builder
	b.WriteString("apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\n")
	if builtins > 0 {
		fmt.Fprintf(&b, "# %d of the matchImages below come from regcred's built-in cloud entries (defaults: true in\n"+
			"# the config, the default); put defaults: false there to list only your own entries' patterns.\n", builtins)
	}
	b.WriteString("providers:\n")
	for _, p := range []kubeletProvider{node, pod} {
		if len(p.matchImages) > 0 {
			writeKubeletProvider(&b, p, configPath, cacheDuration)
		}
	}
	return b.String()
}

// kubeletNotes say how to start the kubelet with what was written: the
// file and the directory the executables run from.
func (cs *Runner) kubeletNotes(file string, serviceAccount bool) []string {
	binDir, moved := cs.BinDir, ""
	if binDir == "" {
		binDir = KubeletProviderBinDir
	} else if binDir != KubeletProviderBinDir {
		moved = " (where these executables run from now; if you install them elsewhere, name that directory)"
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	notes := []string{
		cs.FrontName + ", " + cs.EngineName + " and " + cs.FetcherName + " sit side by side in the kubelet's bin dir. Start the kubelet with\n" +
			"  --image-credential-provider-config=" + file + "\n" +
			"  --image-credential-provider-bin-dir=" + binDir + moved + "\n" +
			"(the kubelet reads the file once, at start). This works on containerd and CRI-O nodes alike.",
		"A port in an image must be listed in matchImages as it is written; Docker Hub images arrive as docker.io/….",
		"defaultCacheDuration is the config's cache.ttl (5m unless set): how long the kubelet keeps an answer made\n" +
			"only of long-lived secrets; answers with expiring tokens carry their own cacheDuration.",
	}
	if serviceAccount {
		notes = append(notes, "Service-account mode (Kubernetes 1.33+): ln -s "+cs.FrontName+" "+binDir+"/"+WorkloadProviderName+
			"; set serviceAccountTokenAudience to the audience your Vault role, AWS OIDC provider or Entra federated credential accepts.")
	}
	return notes
}

// kubeletSnippet merges generated's providers into the kubelet's file,
// replacing only regcred's own (the node's other providers stay), and
// warns about overlaps the merged file has beyond those of generated.
func (cs *Runner) kubeletSnippet(generated []byte, known []string) snippet {
	var merged []byte
	return snippet{
		title: "kubelet CredentialProviderConfig", path: KubeletProviderConfig, content: generated,
		merge: func(path string, old []byte) ([]byte, error) {
			var err error
			merged, err = kubeletconfig.Merge(path, old, generated, []string{cs.FrontName, WorkloadProviderName})
			return merged, err
		},
		done: func() {
			warnings, err := kubeletOverlapWarnings(string(merged))
			if err != nil {
				return
			}
			for _, w := range warnings {
				if !slices.Contains(known, w) {
					cs.Logger.Warn("setup kubelet: the merged file has overlapping providers", "warning", w)
				}
			}
		},
	}
}

// kubeletProvidersFor splits the entries' patterns between the
// node-identity provider and the service-account provider. `anonymous`
// entries need no provider: the kubelet pulls anonymously without one.
func kubeletProvidersFor(front string, entries []*config.Entry) (node, pod kubeletProvider) {
	node = kubeletProvider{name: front, comment: "the executable's file name in the bin dir; answers as the node"}
	pod = kubeletProvider{name: WorkloadProviderName, comment: "a symlink to " + front + "; answers as each pod", serviceAccount: true}
	for _, e := range entries {
		switch {
		case e.Kind() == "anonymous":
		case e.UsesPodIdentity():
			pod.matchImages = append(pod.matchImages, e.Pattern().String())
			pod.annotations = append(pod.annotations, e.PodAnnotations()...)
			pod.kinds = append(pod.kinds, e.Kind())
		default:
			node.matchImages = append(node.matchImages, e.Pattern().String())
		}
	}
	for _, p := range []*kubeletProvider{&node, &pod} {
		p.matchImages = slices.Compact(slices.Sorted(slices.Values(p.matchImages)))
		p.annotations = slices.Compact(slices.Sorted(slices.Values(p.annotations)))
	}
	return node, pod
}

func writeKubeletProvider(b *strings.Builder, p kubeletProvider, configPath, cacheDuration string) {
	fmt.Fprintf(b, "  - name: %s   # %s\n", p.name, p.comment)
	b.WriteString("    apiVersion: credentialprovider.kubelet.k8s.io/v1\n    matchImages:\n")
	for _, m := range p.matchImages {
		fmt.Fprintf(b, "      - %q\n", m)
	}
	fmt.Fprintf(b, "    defaultCacheDuration: %q   # the config's cache.ttl: for answers made only of long-lived secrets\n", cacheDuration)
	b.WriteString("    args: [kubelet]\n    env:\n")
	fmt.Fprintf(b, "      - {name: REGCRED_CONFIG, value: %q}\n", configPath)
	if !p.serviceAccount {
		return
	}
	b.WriteString("    tokenAttributes:\n")
	aud, comment := p.audience()
	fmt.Fprintf(b, "      serviceAccountTokenAudience: %q   # %s\n", aud, comment)
	b.WriteString("      cacheType: ServiceAccount\n      requireServiceAccount: true\n")
	if len(p.annotations) > 0 {
		b.WriteString("      optionalServiceAccountAnnotationKeys:\n")
		for _, a := range p.annotations {
			fmt.Fprintf(b, "        - %q\n", a)
		}
	}
}

// kubeletOverlapWarnings reads the generated CredentialProviderConfig back
// as `check --kubelet-config` reads one, and returns its overlap warnings.
func kubeletOverlapWarnings(doc string) ([]string, error) {
	c, err := kubeletconfig.Parse("generated CredentialProviderConfig", []byte(doc))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range c.Overlaps() {
		out = append(out, o.String())
	}
	return out, nil
}
