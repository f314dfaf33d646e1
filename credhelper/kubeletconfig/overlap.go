package kubeletconfig

import (
	"fmt"
	"path"
	"strings"
)

// Overlap is two providers, one passing service-account tokens and one
// not, with matchImages an image can match both.
type Overlap struct {
	// Pod is the provider with tokenAttributes, Node the other.
	Pod, Node Provider
	// PodImage and NodeImage are the overlapping matchImages.
	PodImage, NodeImage string
}

// String is the warning: what happens and what to do.
func (o Overlap) String() string {
	return fmt.Sprintf("providers %q (service-account tokens) and %q (no token) both match images of %q / %q: the kubelet merges their answers, "+
		"so every pod pulling such an image also gets what %q answers with the node's identity; give them matchImages no image matches both "+
		"(and set defaults: false in the service-account provider's regcred config)",
		o.Pod.Name, o.Node.Name, o.PodImage, o.NodeImage, o.Node.Name)
}

// Overlaps lists every pair of matchImages, one of a provider passing
// service-account tokens and one of a provider that does not, that some
// image matches both. Two providers both passing tokens do not count: each
// answers as the pod.
func (c *Config) Overlaps() []Overlap {
	var out []Overlap
	for _, pod := range c.Providers {
		if !pod.ServiceAccount {
			continue
		}
		for _, node := range c.Providers {
			if node.ServiceAccount {
				continue
			}
			for _, a := range pod.MatchImages {
				for _, b := range node.MatchImages {
					if MatchImagesOverlap(a, b) {
						out = append(out, Overlap{Pod: pod, Node: node, PodImage: a, NodeImage: b})
					}
				}
			}
		}
	}
	return out
}

// MatchImagesOverlap reports whether an image can match both matchImages
// patterns under the kubelet's rules: the port equal, as many host labels,
// each label a glob (path.Match), and the path a raw string prefix. Two
// globs in one label are taken to overlap unless their literal ends
// disagree: a warning too many beats one too few.
func MatchImagesOverlap(a, b string) bool {
	ha, pa, patha := splitImage(a)
	hb, pb, pathb := splitImage(b)
	if pa != pb || len(ha) != len(hb) {
		return false
	}
	for i := range ha {
		if !labelsOverlap(ha[i], hb[i]) {
			return false
		}
	}
	return strings.HasPrefix(patha, pathb) || strings.HasPrefix(pathb, patha)
}

// splitImage splits a matchImages value as the kubelet's URL parse does:
// an optional scheme, the host's labels, the port, and the path.
func splitImage(s string) (labels []string, port, p string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	host := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		host, p = s[:i], s[i:]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, port = host[:i], host[i+1:]
	}
	return strings.Split(host, "."), port, p
}

const globMeta = `*?[\`

func labelsOverlap(x, y string) bool {
	gx, gy := strings.ContainsAny(x, globMeta), strings.ContainsAny(y, globMeta)
	switch {
	case !gx && !gy:
		return x == y
	case gx && !gy:
		ok, err := path.Match(x, y)
		return ok || err != nil
	case !gx && gy:
		ok, err := path.Match(y, x)
		return ok || err != nil
	}
	px, py := literalPrefix(x), literalPrefix(y)
	sx, sy := literalSuffix(x), literalSuffix(y)
	return (strings.HasPrefix(px, py) || strings.HasPrefix(py, px)) &&
		(strings.HasSuffix(sx, sy) || strings.HasSuffix(sy, sx))
}

func literalPrefix(g string) string { return g[:strings.IndexAny(g, globMeta)] }

func literalSuffix(g string) string { return g[strings.LastIndexAny(g, globMeta)+1:] }
