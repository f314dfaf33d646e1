package ambientfiles

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
)

func TestAWS(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{name: "defaults under HOME", env: map[string]string{"HOME": "/home/ci"},
			want: []string{"/home/ci/.aws/credentials", "/home/ci/.aws/config"}},
		{name: "both named", env: map[string]string{"HOME": "/home/ci", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds", "AWS_CONFIG_FILE": "/etc/aws/config"},
			want: []string{"/etc/aws/creds", "/etc/aws/config"}},
		{name: "credentials named, config default", env: map[string]string{"HOME": "/home/ci", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds"},
			want: []string{"/etc/aws/creds", "/home/ci/.aws/config"}},
		{name: "an empty variable is unset", env: map[string]string{"HOME": "/home/ci", "AWS_CONFIG_FILE": ""},
			want: []string{"/home/ci/.aws/credentials", "/home/ci/.aws/config"}},
		{name: "no tilde expansion, as the SDK", env: map[string]string{"HOME": "/home/ci", "AWS_CONFIG_FILE": "~/cfg"},
			want: []string{"/home/ci/.aws/credentials", "~/cfg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			assert.Equal(t, tt.want, AWS(lookup))
		})
	}
}

// TestHomeDirWithoutHOME: without HOME the SDK asks the user database, and
// so does HomeDir; the files are then still in the key.
func TestHomeDirWithoutHOME(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	if got := HomeDir(none); got == "" {
		t.Skip("the running user has no home directory in the user database")
	}
	assert.Len(t, AWS(none), 2, "AWS() without HOME wants both default files")
}
