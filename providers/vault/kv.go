package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// kvSecret is a KV secret's fields and what Vault says of its lifetime.
type kvSecret struct {
	data map[string]any
	// leaseEnd is when a leased secret (one answered with a lease_id)
	// expires; zero for KV, whose answers are not leased.
	leaseEnd time.Time
	// hint is the secret's own "ttl" field: how often its writer wants it
	// read again.
	hint time.Duration
}

// kvV2Data is KV v2's .data: the fields and the version's metadata.
type kvV2Data struct {
	Data     map[string]any `json:"data"`
	Metadata struct {
		Version      int    `json:"version"`
		DeletionTime string `json:"deletion_time"`
		Destroyed    bool   `json:"destroyed"`
	} `json:"metadata"`
}

func (p *Provider) kvCredential(ctx context.Context, c *client, token string) (providers.Credential, error) {
	loc, err := p.locate(ctx, c, token)
	if err != nil {
		return providers.Credential{}, err
	}
	s, err := p.readKV(ctx, c, token, loc)
	if err != nil {
		return providers.Credential{}, err
	}
	user := p.cfg.Username
	if user == "" {
		if user, err = field(s.data, orDefault(p.cfg.UsernameField, "username"), loc); err != nil {
			return providers.Credential{}, err
		}
	}
	pass, err := field(s.data, orDefault(p.cfg.PasswordField, "password"), loc)
	if err != nil {
		return providers.Credential{}, err
	}
	expires, maxAge := p.kvLifetime(s)
	return providers.Credential{Username: user, Secret: providers.Secret(pass), ExpiresAt: expires, MaxAge: maxAge}, nil
}

// kvLifetime applies the caching rules (docs/config.md, "How long Vault
// secrets are cached"). A KV answer has no lease_id and cannot be renewed:
// KV v1's lease_duration (the mount's default, 768h) is only a refresh
// hint, and KV v2 gives none. Such a secret has no expiry: the cache keeps
// it for the entry's ttl, else cache.ttl. A leased secret expires with its
// lease. The secret's own "ttl" field shortens either, never lengthens it.
func (p *Provider) kvLifetime(s kvSecret) (expires time.Time, maxAge time.Duration) {
	expires = p.expiry(s.leaseEnd)
	if s.hint <= 0 {
		return expires, 0
	}
	if expires.IsZero() {
		return time.Time{}, s.hint
	}
	if end := p.deps.Now().Add(s.hint); end.Before(expires) {
		expires = end
	}
	return expires, 0
}

func (p *Provider) readKV(ctx context.Context, c *client, token string, loc kvLocation) (kvSecret, error) {
	if err := loc.checkDataPrefix(); err != nil {
		return kvSecret{}, err
	}
	k := call{method: http.MethodGet, path: loc.apiPath(), token: token}
	if loc.version == 2 && p.cfg.Version > 0 {
		k.query = url.Values{"version": {strconv.Itoa(p.cfg.Version)}}
	}
	r, err := c.do(ctx, k)
	if err != nil {
		return kvSecret{}, err
	}
	switch r.status {
	case http.StatusOK:
		return p.parseKV(c, loc, r)
	case http.StatusNotFound:
		return kvSecret{}, p.kvNotFound(c, loc, r)
	}
	return kvSecret{}, c.statusError(k, r, "reading "+loc.apiPath())
}

func (p *Provider) parseKV(c *client, loc kvLocation, r reply) (kvSecret, error) {
	s := kvSecret{}
	if loc.version == 2 {
		var d kvV2Data
		if err := decodeNumbers(r.body.Data, &d); err != nil {
			return s, failf(providers.ErrInvalid, "Vault at %s: unreadable KV v2 answer for %s", c.address, loc.name())
		}
		if d.Data == nil {
			return s, p.kvNotFound(c, loc, r)
		}
		s.data = d.Data
	} else if err := decodeNumbers(r.body.Data, &s.data); err != nil || s.data == nil {
		return s, failf(providers.ErrInvalid, "Vault at %s: unreadable KV answer for %s", c.address, loc.name())
	}
	if ttl, ok := ttlField(s.data["ttl"]); ok {
		s.hint = ttl
	}
	if r.body.LeaseID != "" && r.body.LeaseDuration > 0 {
		s.leaseEnd = p.deps.Now().Add(providers.Seconds(r.body.LeaseDuration))
	}
	return s, nil
}

// kvNotFound explains a 404: KV v2 sends the version's metadata when the
// version exists but was soft-deleted or destroyed.
func (p *Provider) kvNotFound(c *client, loc kvLocation, r reply) error {
	what := "no secret at " + loc.name()
	if loc.version == 2 {
		var d kvV2Data
		_ = decodeNumbers(r.body.Data, &d) // absent for a path that never existed
		m := d.Metadata
		switch {
		case m.Destroyed:
			what = fmt.Sprintf("version %d of %s is destroyed", m.Version, loc.name())
		case m.DeletionTime != "":
			what = fmt.Sprintf("version %d of %s was deleted at %s (`vault kv undelete` restores it; or pin another version)", m.Version, loc.name(), m.DeletionTime)
		case p.cfg.Version > 0:
			what = fmt.Sprintf("no version %d of %s", p.cfg.Version, loc.name())
		}
	}
	// "namespace not found", or a warning about the path.
	if msg := vaultMessage(envelope{Errors: append(slices.Clone(r.body.Errors), r.body.Warnings...)}, nil); msg != "" {
		what += " (Vault: " + msg + ")"
	}
	return failf(providers.ErrNotFound, "Vault at %s: %s", c.address, what)
}

// decodeNumbers decodes JSON keeping numbers as json.Number, so a ttl of
// seconds stays exact.
func decodeNumbers(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// field returns a string field of the secret. Errors name the field and
// the fields there are, never a value.
func field(data map[string]any, name string, loc kvLocation) (string, error) {
	v, ok := data[name]
	if !ok {
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		have := strings.Join(keys, ", ")
		if have == "" {
			have = "none"
		}
		return "", fmt.Errorf("%w: secret %s has no field %q (its fields: %s)", providers.ErrNotFound, loc.name(), name, have)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: field %q of secret %s is not a string", providers.ErrInvalid, name, loc.name())
	}
	if s == "" {
		return "", fmt.Errorf("%w: field %q of secret %s is empty", providers.ErrNotFound, name, loc.name())
	}
	return s, nil
}

// ttlField reads a secret's "ttl" the way KV v1 does: a duration string
// ("1h") or a number of seconds.
func ttlField(v any) (time.Duration, bool) {
	var d time.Duration
	switch t := v.(type) {
	case json.Number:
		n, err := t.Int64()
		if err != nil {
			return 0, false
		}
		d = providers.Seconds(n)
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			d = providers.Seconds(n)
		} else if d, err = time.ParseDuration(strings.TrimSpace(t)); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return d, d > 0
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
