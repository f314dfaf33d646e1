package pullsecret

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/internal/testkit"
)

func TestDockerConfigJSON(t *testing.T) {
	got, err := DockerConfigJSON([]Auth{
		{Registry: "registry.example.com", Username: "robot", Password: "s3cret:with:colons"},
		{Registry: "localhost:5000", Username: "AWS", Password: "tok"},
	})
	require.NoError(t, err)
	var doc map[string]map[string]map[string]string
	require.NoError(t, json.Unmarshal(got, &doc))
	assert.Equal(t, map[string]map[string]map[string]string{"auths": {
		"registry.example.com": {"username": "robot", "password": "s3cret:with:colons", "auth": testkit.B64("robot:s3cret:with:colons")},
		"localhost:5000":       {"username": "AWS", "password": "tok", "auth": testkit.B64("AWS:tok")},
	}}, doc)
	again, err := DockerConfigJSON([]Auth{
		{Registry: "localhost:5000", Username: "AWS", Password: "tok"},
		{Registry: "registry.example.com", Username: "robot", Password: "s3cret:with:colons"},
	})
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again), "the same credentials in another order give the same bytes")
}

func TestDockerConfigJSONRejects(t *testing.T) {
	tests := []struct {
		name  string
		auths []Auth
		want  string
	}{
		{name: "none", want: "no registry given"},
		{name: "empty registry", auths: []Auth{{Username: "u", Password: "hunter2"}}, want: `registry "" is not a host[:port]`},
		{name: "registry with path", auths: []Auth{{Registry: "r.example.com/team", Username: "u", Password: "hunter2"}}, want: "is not a host[:port]"},
		{name: "no username", auths: []Auth{{Registry: "r.example.com", Password: "hunter2"}}, want: "r.example.com: the credential has no username"},
		{name: "colon in username", auths: []Auth{{Registry: "r.example.com", Username: "a:b", Password: "hunter2"}}, want: "contains ':'"},
		{name: "no password", auths: []Auth{{Registry: "r.example.com", Username: "u"}}, want: "no password"},
		{name: "twice", auths: []Auth{
			{Registry: "r.example.com", Username: "u", Password: "hunter2"},
			{Registry: "r.example.com", Username: "v", Password: "hunter2"},
		}, want: `registry "r.example.com" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DockerConfigJSON(tt.auths)
			testkit.WantErr(t, err, ErrInvalid, tt.want)
			testkit.AssertNoSecret(t, "error", err.Error(), "hunter2")
		})
	}
}

func TestManifest(t *testing.T) {
	auths := []Auth{{Registry: "registry.example.com", Username: "robot", Password: "pw"}}
	got, err := Manifest("regcred-pull", "team-a", map[string]string{ManagedByLabel: ManagedBy}, auths)
	require.NoError(t, err)
	var m struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string
		Metadata   struct {
			Name, Namespace string
			Labels          map[string]string
		}
		Type string
		Data map[string]string
	}
	require.NoError(t, yaml.Unmarshal(got, &m))
	assert.Equal(t, "v1", m.APIVersion)
	assert.Equal(t, "Secret", m.Kind)
	assert.Equal(t, "regcred-pull", m.Metadata.Name)
	assert.Equal(t, "team-a", m.Metadata.Namespace)
	assert.Equal(t, map[string]string{"app.kubernetes.io/managed-by": "regcred"}, m.Metadata.Labels)
	assert.Equal(t, "kubernetes.io/dockerconfigjson", m.Type)
	raw, err := base64.StdEncoding.DecodeString(m.Data[".dockerconfigjson"])
	require.NoError(t, err)
	want, err := DockerConfigJSON(auths)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(raw))
}

func TestManifestRejectsNames(t *testing.T) {
	auths := []Auth{{Registry: "r.example.com", Username: "u", Password: "p"}}
	tests := []struct {
		name, secret, namespace, want string
	}{
		{name: "upper-case secret", secret: "Pull", namespace: "ns", want: `secret name "Pull" is not a DNS subdomain`},
		{name: "empty secret", secret: "", namespace: "ns", want: `secret name ""`},
		{name: "dotted namespace", secret: "pull", namespace: "a.b", want: `namespace "a.b" is not a DNS label`},
		{name: "long namespace", secret: "pull", namespace: "n123456789012345678901234567890123456789012345678901234567890123", want: "is not a DNS label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Manifest(tt.secret, tt.namespace, nil, auths)
			testkit.WantErr(t, err, ErrInvalid, tt.want)
		})
	}
}

func TestEarliest(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		auths []Auth
		want  time.Time
	}{
		{name: "none expires", auths: []Auth{{}, {}}},
		{name: "soonest", auths: []Auth{{ExpiresAt: t0.Add(time.Hour)}, {}, {ExpiresAt: t0}}, want: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Earliest(tt.auths))
		})
	}
}

func TestValidNames(t *testing.T) {
	tests := []struct {
		name, in       string
		name1, nsValid bool
	}{
		{name: "simple", in: "regcred-pull", name1: true, nsValid: true},
		{name: "dotted", in: "pull.team-a", name1: true},
		{name: "digits", in: "0a9", name1: true, nsValid: true},
		{name: "leading dash", in: "-pull"},
		{name: "trailing dash", in: "pull-"},
		{name: "empty label", in: "a..b"},
		{name: "trailing dot", in: "a."},
		{name: "upper case", in: "Pull"},
		{name: "underscore", in: "a_b"},
		{name: "empty", in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.name1, ValidName(tt.in) == nil, "ValidName(%q)", tt.in)
			assert.Equal(t, tt.nsValid, ValidNamespace(tt.in) == nil, "ValidNamespace(%q)", tt.in)
		})
	}
}
