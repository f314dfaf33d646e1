package vault

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestRefusalsSayWhatToDo holds the wording of the refusals a new user
// meets first: each names what is wrong and the likely fix.
func TestRefusalsSayWhatToDo(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
		not  []string
	}{
		{name: "a KV v2 path written with data/", err: kvLocation{mount: "secret", rel: "data/dockerhub", version: 2}.checkDataPrefix(),
			want: []string{"secret/data/dockerhub is a KV v2 API path", "without data/", "secret/dockerhub"}},
		{name: "a 403 on a read", err: (&client{address: "https://vault:8200"}).denied("reading secret/data/dockerhubx", envelope{}, readHint("reading secret/data/dockerhubx")),
			want: []string{"permission denied by policy reading secret/data/dockerhubx", "also for a secret that does not exist"}},
		{name: "an approle without its role ID", err: Config{Address: "https://vault:8200", Path: "secret/x", Auth: Auth{Method: MethodAppRole}}.Validate(),
			want: []string{"the approle method needs exactly one of auth.roleId"}, not: []string{"vault: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.WantErr(t, tt.err, nil, tt.want...)
			for _, n := range tt.not {
				assert.NotContains(t, tt.err.Error(), n, "the loader adds it")
			}
		})
	}
	assert.NoError(t, kvLocation{mount: "secret", rel: "dockerhub", version: 2}.checkDataPrefix(), "a path without data/ refused")
	assert.ErrorIs(t, kvLocation{mount: "secret", rel: "data/x", version: 2}.checkDataPrefix(), providers.ErrInvalid, "the data/ refusal")
}
