package vaulttest

import (
	"fmt"
	"github.com/stretchr/testify/require"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// kvDefaultLease is the lease KV v1 reports without a "ttl" field: the
// system default of 768h.
const kvDefaultLease = 768 * 60 * 60

// MountKV mounts a KV engine at path: version 1 or 2, or 0 for a legacy
// "generic" mount (KV v1 without options).
func (n *Namespace) MountKV(path string, version int) {
	n.locked(func() {
		n.mounts[strings.Trim(path, "/")] = &kvEngine{s: n.s, version: version, v1: map[string]map[string]any{}, v2: map[string]*kvKey{}}
	})
}

// PutKV writes data at key: on KV v2 a new version, whose number it returns.
func (n *Namespace) PutKV(mount, key string, data map[string]any) int {
	v := 0
	n.locked(func() { v = n.kv(mount).put(key, data) })
	return v
}

// DeleteKV soft-deletes a KV v2 version (vault kv delete -versions=N).
func (n *Namespace) DeleteKV(mount, key string, version int) {
	n.locked(func() { n.kvVersion(mount, key, version).deleted = n.s.now() })
}

// DestroyKV destroys a KV v2 version (vault kv destroy -versions=N).
func (n *Namespace) DestroyKV(mount, key string, version int) {
	n.locked(func() {
		v := n.kvVersion(mount, key, version)
		v.destroyed, v.data = true, nil
	})
}

func (n *Namespace) kv(mount string) *kvEngine {
	e, ok := n.mounts[strings.Trim(mount, "/")].(*kvEngine)
	require.True(n.s.t, ok, "vaulttest: no KV mount at %q", mount)
	return e
}

func (n *Namespace) kvVersion(mount, key string, version int) *kvVersion {
	k := n.kv(mount).v2[key]
	require.True(n.s.t, k != nil && k.versions[version] != nil, "vaulttest: no version %d of %s/%s", version, mount, key)
	return k.versions[version]
}

type kvEngine struct {
	s       *Server
	version int
	v1      map[string]map[string]any
	v2      map[string]*kvKey
}

type kvKey struct {
	current  int
	versions map[int]*kvVersion
}

type kvVersion struct {
	data      map[string]any
	created   time.Time
	deleted   time.Time
	destroyed bool
}

func (e *kvEngine) describe() (string, map[string]string) {
	switch e.version {
	case 0:
		return "generic", nil
	case 2:
		return "kv", map[string]string{"version": "2"}
	default:
		return "kv", map[string]string{"version": "1"}
	}
}

func (e *kvEngine) put(key string, data map[string]any) int {
	if e.version != 2 {
		e.v1[key] = data
		return 0
	}
	k := e.v2[key]
	if k == nil {
		k = &kvKey{versions: map[int]*kvVersion{}}
		e.v2[key] = k
	}
	k.current++
	k.versions[k.current] = &kvVersion{data: data, created: e.s.now()}
	return k.current
}

func (e *kvEngine) serve(r *http.Request, rel string, _ []byte) answer {
	if r.Method != http.MethodGet {
		return errs(http.StatusMethodNotAllowed, "unsupported operation")
	}
	if e.version != 2 {
		return e.readV1(rel)
	}
	if key, ok := strings.CutPrefix(rel, "data/"); ok {
		return e.readV2(key, r.URL.Query().Get("version"))
	}
	if key, ok := strings.CutPrefix(rel, "metadata/"); ok {
		return e.metadata(key)
	}
	// What KV v2 answers for a path without data/ or metadata/.
	return answer{http.StatusNotFound, map[string]any{"errors": []string{}, "warnings": []string{
		"Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
	}}}
}

// readV1 reports a "ttl" field as the lease, as KV v1 does.
func (e *kvEngine) readV1(key string) answer {
	data, ok := e.v1[key]
	if !ok {
		return errs(http.StatusNotFound)
	}
	lease := int64(kvDefaultLease)
	switch t := data["ttl"].(type) {
	case string:
		if d, err := time.ParseDuration(t); err == nil {
			lease = int64(d / time.Second)
		} else if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			lease = n
		}
	case int:
		lease = int64(t)
	}
	return success(data, lease, nil)
}

func (e *kvEngine) readV2(key, version string) answer {
	k := e.v2[key]
	if k == nil {
		return errs(http.StatusNotFound)
	}
	n := k.current
	if version != "" {
		v, err := strconv.Atoi(version)
		if err != nil {
			return errs(http.StatusBadRequest, fmt.Sprintf("error converting input %s for field %q: strconv.ParseInt: parsing %q: invalid syntax", version, "version", version))
		}
		if v > 0 {
			n = v
		}
	}
	v := k.versions[n]
	if v == nil {
		return errs(http.StatusNotFound)
	}
	meta := e.versionMeta(n, v)
	if v.destroyed || !v.deleted.IsZero() && !e.s.now().Before(v.deleted) {
		a := success(map[string]any{"data": nil, "metadata": meta}, 0, nil)
		a.status = http.StatusNotFound
		return a
	}
	return success(map[string]any{"data": v.data, "metadata": meta}, 0, nil)
}

func (e *kvEngine) versionMeta(n int, v *kvVersion) map[string]any {
	deleted := ""
	if !v.deleted.IsZero() {
		deleted = v.deleted.UTC().Format(time.RFC3339Nano)
	}
	return map[string]any{
		"version": n, "created_time": v.created.UTC().Format(time.RFC3339Nano),
		"deletion_time": deleted, "destroyed": v.destroyed, "custom_metadata": nil,
	}
}

func (e *kvEngine) metadata(key string) answer {
	k := e.v2[key]
	if k == nil {
		return errs(http.StatusNotFound)
	}
	versions := map[string]any{}
	for n, v := range k.versions {
		m := e.versionMeta(n, v)
		delete(m, "version")
		delete(m, "custom_metadata")
		versions[strconv.Itoa(n)] = m
	}
	return success(map[string]any{
		"current_version": k.current, "oldest_version": 0, "max_versions": 0,
		"cas_required": false, "delete_version_after": "0s", "custom_metadata": nil,
		"versions": versions,
	}, 0, nil)
}
