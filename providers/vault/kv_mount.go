package vault

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/regcred/regcred/providers"
)

// kvLocation is where a KV secret lives.
type kvLocation struct {
	mount   string // "" for a KV v1 path read as written
	rel     string // the secret's path below the mount
	version int    // 1 or 2
}

// apiPath is what to GET: KV v2 inserts "data/" after the mount.
func (l kvLocation) apiPath() string {
	switch {
	case l.version == 2:
		return l.mount + "/data/" + l.rel
	case l.mount == "":
		return l.rel
	default:
		return l.mount + "/" + l.rel
	}
}

// checkDataPrefix refuses a KV v2 path written with the API's "data/"
// (secret/data/app): regcred inserts it, and reading secret/data/data/app
// would only be denied or missing, with no hint why.
func (l kvLocation) checkDataPrefix() error {
	if l.version != 2 || !strings.HasPrefix(l.rel, "data/") {
		return nil
	}
	return failf(providers.ErrInvalid, "vault: path %s/%s is a KV v2 API path; write the secret's path without data/ (regcred adds it): %s/%s",
		l.mount, l.rel, l.mount, strings.TrimPrefix(l.rel, "data/"))
}

// name is the secret's path as `vault kv get` shows it.
func (l kvLocation) name() string {
	if l.mount == "" {
		return l.rel
	}
	return l.mount + "/" + l.rel
}

// locate finds the secret's mount and KV version, once per provider.
func (p *Provider) locate(ctx context.Context, c *client, token string) (kvLocation, error) {
	p.mu.Lock()
	if p.kvLoc != nil {
		l := *p.kvLoc
		p.mu.Unlock()
		return l, nil
	}
	p.mu.Unlock()
	l, err := p.detect(ctx, c, token)
	if err != nil {
		return l, err
	}
	p.mu.Lock()
	p.kvLoc = &l
	p.mu.Unlock()
	return l, nil
}

func (p *Provider) detect(ctx context.Context, c *client, token string) (kvLocation, error) {
	mount, path := trimSlashes(p.cfg.Mount), trimSlashes(p.cfg.Path)
	switch p.cfg.KVVersion {
	case "1":
		return kvLocation{mount: mount, rel: path, version: 1}, nil
	case "2":
		if mount == "" { // documented: the first segment is the mount
			mount, path, _ = strings.Cut(path, "/")
		}
		return kvV2(mount, path)
	}
	full := path
	if mount != "" {
		full = mount + "/" + path
	}
	info, err := c.mountInfo(ctx, token, full)
	if err != nil {
		return kvLocation{}, err
	}
	if mount == "" && info.Path != "" {
		if mount = relativeMount(info.Path, full); mount == "" {
			return kvLocation{}, failf(providers.ErrInvalid, "Vault at %s puts %s in the mount %q, which does not prefix it; set mount", c.address, full, info.Path)
		}
		path = strings.TrimPrefix(strings.TrimPrefix(full, mount), "/")
	}
	p.deps.Logger.Debug("vault: KV mount detected", "path", full, "mount", mount, "kvVersion", info.version())
	if info.version() == 2 {
		return kvV2(mount, path)
	}
	if p.cfg.Version > 0 {
		return kvLocation{}, fmt.Errorf("%w: vault: version pins a KV v2 version, but %s is in a KV v1 mount", providers.ErrInvalid, full)
	}
	if mount != "" && path == "" {
		return kvLocation{}, fmt.Errorf("%w: path %s names the mount itself, not a secret in it", providers.ErrInvalid, full)
	}
	return kvLocation{mount: mount, rel: path, version: 1}, nil
}

func kvV2(mount, rel string) (kvLocation, error) {
	if mount == "" || rel == "" {
		return kvLocation{}, fmt.Errorf("%w: vault: a KV v2 secret needs a mount and a path below it (got mount %q, path %q)", providers.ErrInvalid, mount, rel)
	}
	return kvLocation{mount: mount, rel: rel, version: 2}, nil
}

// mountInfo is the answer of sys/internal/ui/mounts/<path>.
type mountInfo struct {
	Path    string            `json:"path"`
	Type    string            `json:"type"`
	Options map[string]string `json:"options"`
}

// version follows the Vault CLI: options.version "2" is KV v2, anything
// else (including a legacy "generic" mount without options) reads as v1.
func (m mountInfo) version() int {
	if m.Options["version"] == "2" {
		return 2
	}
	return 1
}

// mountInfo asks which mount holds path and its options. Vault answers
// 403 when the token may not use the mount and also when nothing is
// mounted there; servers older than the endpoint answer 404, which the
// Vault CLI reads as KV v1, and so do we.
func (c *client) mountInfo(ctx context.Context, token, path string) (mountInfo, error) {
	k := call{method: http.MethodGet, path: "sys/internal/ui/mounts/" + path, token: token}
	r, err := c.do(ctx, k)
	if err != nil {
		return mountInfo{}, err
	}
	var info mountInfo
	switch r.status {
	case http.StatusOK:
		if err := json.Unmarshal(r.body.Data, &info); err != nil {
			return info, failf(providers.ErrInvalid, "Vault at %s: unreadable mount information for %s", c.address, path)
		}
		return info, nil
	case http.StatusNotFound:
		c.logger.Debug("vault: mount lookup not supported; reading as KV v1", "path", path)
		return info, nil
	case http.StatusForbidden:
		return info, c.denied("looking up the mount of "+path, r.body,
			" (Vault also answers so when nothing is mounted there; set mount and kvVersion to skip the lookup)")
	}
	return info, c.statusError(k, r, "looking up the mount of "+path)
}

// relativeMount turns the mount path Vault reports into one relative to
// the request's namespace: when the mount lives in a child namespace Vault
// prefixes it with that namespace's path, which the request path lacks in
// part. Leading segments are dropped until the mount prefixes the path.
func relativeMount(mountPath, full string) string {
	m := trimSlashes(mountPath)
	for full != m && !strings.HasPrefix(full, m+"/") {
		_, rest, ok := strings.Cut(m, "/")
		if !ok {
			return ""
		}
		m = rest
	}
	return m
}
