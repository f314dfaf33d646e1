package ecr_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

// TestLookAlikesMatchingAGlobGetNoToken is the reason Credential re-checks
// the host: these hosts pass the per-label globs, and must still be refused
// before any AWS call is made.
func TestLookAlikesMatchingAGlobGetNoToken(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cloud := ecrtest.New(t)
	keys := cloud.NewUser("ci")
	t.Setenv("AWS_ACCESS_KEY_ID", keys.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", keys.SecretAccessKey)
	p, err := ecr.New(ecr.Config{Endpoint: cloud.ECRURL()}, netdeps.Deps{HTTPClient: &http.Client{Timeout: 30 * time.Second}, Deps: providers.Deps{Now: time.Now, LookupEnv: os.LookupEnv}})
	require.NoError(t, err)
	tests := []struct{ name, request string }{
		{"non-numeric account", "evil.dkr.ecr.us-east-1.amazonaws.com"},
		{"short account", "1234.dkr.ecr.us-east-1.amazonaws.com"},
		{"long account", "1234567890123.dkr.ecr.us-east-1.amazonaws.com"},
		{"prefixed account", "evil123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"letter in account", "12345678901a.dkr.ecr.us-east-1.amazonaws.com"},
		{"dual-stack non-numeric account", "attacker.dkr-ecr.us-east-1.on.aws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, ok := matchesDefault(t, tt.request)
			require.True(t, ok, "%q matches no built-in glob; the case proves nothing", tt.request)
			_, err := p.Credential(context.Background(), providers.Request{Registry: target.Registry()})
			require.ErrorIs(t, err, providers.ErrInvalid, "Credential(%q)", target.Registry())
		})
	}
	assert.Zero(t, cloud.Calls(ecrtest.ECR)+cloud.Calls(ecrtest.ECRPublic), "look-alike hosts caused GetAuthorizationToken calls")
}
