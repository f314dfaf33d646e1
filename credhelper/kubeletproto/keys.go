package kubeletproto

import (
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/regcred/regcred/matcher"
)

// Key is the auth key for an entry's credential: the entry's
// pattern, which the kubelet matches as regcred does. Where the kubelet
// would not match the pattern against the image it sent — the image names
// ":443" (regcred drops it, the kubelet compares ports literally), an
// upper-case host, a Docker Hub alias, or a '?' or '[…]' glob, which the
// kubelet's URL parser cuts up — the key is the image's own registry plus
// the pattern's path, which the kubelet matches and which names the same
// registry the entry matched.
func Key(p matcher.Pattern, image string) string {
	key := p.String()
	if Matches(key, image) {
		return key
	}
	registry, _, ok := strings.Cut(image, "/")
	if !ok {
		return key
	}
	alt := registry
	if p.Path() != "" {
		alt += "/" + p.Path()
	}
	if Matches(alt, image) {
		return alt
	}
	return key
}

// Matches mirrors the kubelet's URLsMatchStr
// (k8s.io/kubernetes/pkg/credentialprovider): both sides parsed as
// "https://"+s, ports equal, the same number of host labels, each label a
// filepath.Match, and the key's path a raw string prefix of the image's.
func Matches(key, image string) bool {
	k, err := url.Parse("https://" + key)
	if err != nil {
		return false
	}
	i, err := url.Parse("https://" + image)
	if err != nil {
		return false
	}
	kLabels, kPort := splitHost(k.Host)
	iLabels, iPort := splitHost(i.Host)
	if kPort != iPort || len(kLabels) != len(iLabels) || !strings.HasPrefix(i.Path, k.Path) {
		return false
	}
	for n, glob := range kLabels {
		if ok, err := filepath.Match(glob, iLabels[n]); err != nil || !ok {
			return false
		}
	}
	return true
}

func splitHost(hostport string) ([]string, string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	return strings.Split(host, "."), port
}
