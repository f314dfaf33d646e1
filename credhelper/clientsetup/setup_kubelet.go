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
}

// setupKubelet is the kubelet's CredentialProviderConfig, its matchImages
// taken from the config's patterns (the kubelet's glob rules are regcred's).
// Entries that log in with the pod's service-account token go to a second
// provider with tokenAttributes; the others to the node-identity provider.
// Where the two providers' matchImages overlap, the kubelet merges their
// answers and every pod gets the node's credential: that is warned about.
func (cs *Runner) setupKubelet() (setupPlan, error) {
	cfg, err := cs.LoadConfig()
	if err != nil {
		return setupPlan{}, err
	}
	node, pod := kubeletProvidersFor(cs.FrontName, cs.Entries(cfg))
	if len(node.matchImages) == 0 && len(pod.matchImages) == 0 {
		return setupPlan{}, errors.New("setup kubelet: the config has no entries, so there is nothing for matchImages; write /etc/regcred/config.yaml first")
	}
	configPath := cfg.Path
	if configPath == "" {
		configPath = config.SystemConfigPath
	} else if abs, err := filepath.Abs(configPath); err == nil {
		configPath = abs // the kubelet's working directory is not ours
	}
	var b strings.Builder
	b.WriteString("apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n")
	for _, p := range []kubeletProvider{node, pod} {
		if len(p.matchImages) > 0 {
			writeKubeletProvider(&b, p, configPath)
		}
	}
	notes := []string{
		"Install " + cs.FrontName + " and " + cs.EngineName + " side by side in " + KubeletProviderBinDir + " and start the kubelet with\n" +
			"  --image-credential-provider-config=" + KubeletProviderConfig + "\n" +
			"  --image-credential-provider-bin-dir=" + KubeletProviderBinDir + "\n" +
			"(the kubelet reads the file once, at start). This works on containerd and CRI-O nodes alike.",
		"A port in an image must be listed in matchImages as it is written; Docker Hub images arrive as docker.io/….",
	}
	if len(pod.matchImages) > 0 {
		notes = append(notes, "Service-account mode (Kubernetes 1.33+): ln -s "+cs.FrontName+" "+KubeletProviderBinDir+"/"+WorkloadProviderName+
			"; set serviceAccountTokenAudience to the audience your Vault role or AWS OIDC provider accepts.")
	}
	warnings, err := kubeletOverlapWarnings(b.String())
	if err != nil {
		return setupPlan{}, err
	}
	for _, w := range warnings {
		cs.Logger.Warn("setup kubelet: overlapping providers", "warning", w)
		notes = append(notes, "WARNING: "+w)
	}
	return setupPlan{
		snippets: []snippet{cs.kubeletSnippet([]byte(b.String()), warnings)},
		notes:    notes,
	}, nil
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

func writeKubeletProvider(b *strings.Builder, p kubeletProvider, configPath string) {
	fmt.Fprintf(b, "  - name: %s   # %s\n", p.name, p.comment)
	b.WriteString("    apiVersion: credentialprovider.kubelet.k8s.io/v1\n    matchImages:\n")
	for _, m := range p.matchImages {
		fmt.Fprintf(b, "      - %q\n", m)
	}
	b.WriteString("    defaultCacheDuration: \"5m\"   # for answers made only of long-lived secrets\n")
	b.WriteString("    args: [kubelet]\n    env:\n")
	fmt.Fprintf(b, "      - {name: REGCRED_CONFIG, value: %q}\n", configPath)
	if !p.serviceAccount {
		return
	}
	b.WriteString("    tokenAttributes:\n")
	b.WriteString("      serviceAccountTokenAudience: \"regcred\"   # the token's aud: what your Vault role or AWS OIDC provider accepts\n")
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
