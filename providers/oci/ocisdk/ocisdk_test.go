package ocisdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// serviceError is what the SDK returns for an error answer.
type serviceError struct {
	status int
	code   string
}

func (e serviceError) Error() string           { return fmt.Sprintf("%d %s", e.status, e.code) }
func (e serviceError) GetHTTPStatusCode() int  { return e.status }
func (e serviceError) GetMessage() string      { return "message from the service" }
func (e serviceError) GetCode() string         { return e.code }
func (e serviceError) GetOpcRequestID() string { return "req-1" }

func TestClassify(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "https://x", Err: errors.New("connection refused")}
	tests := []struct {
		name  string
		err   error
		want  error
		retry bool
	}{
		{name: "404", err: serviceError{404, "NotAuthorizedOrNotFound"}, want: providers.ErrNotFound},
		{name: "401", err: serviceError{401, "NotAuthenticated"}, want: providers.ErrDenied},
		{name: "403", err: serviceError{403, "NotAllowed"}, want: providers.ErrDenied},
		{name: "400", err: serviceError{400, "InvalidParameter"}, want: providers.ErrInvalid},
		{name: "409", err: serviceError{409, "IncorrectState"}, want: providers.ErrInvalid},
		{name: "429", err: serviceError{429, "TooManyRequests"}, want: providers.ErrUnavailable, retry: true},
		{name: "500", err: serviceError{500, "InternalServerError"}, want: providers.ErrUnavailable, retry: true},
		{name: "501", err: serviceError{501, "MethodNotImplemented"}, want: providers.ErrUnavailable},
		{name: "503", err: serviceError{503, "ServiceUnavailable"}, want: providers.ErrUnavailable, retry: true},
		{name: "refused connection", err: refused, want: providers.ErrUnavailable, retry: true},
		{name: "cut short", err: io.ErrUnexpectedEOF, want: providers.ErrUnavailable, retry: true},
		{name: "attempt timed out", err: context.DeadlineExceeded, want: providers.ErrUnavailable, retry: true},
		{name: "cancelled", err: &url.Error{Op: "Get", URL: "https://x", Err: context.Canceled}, want: providers.ErrUnavailable},
		{name: "backoff past deadline", err: common.DeadlineExceededByBackoff, want: providers.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Classify("ocivault: secret X", tc.err)
			require.ErrorIs(t, err, tc.want)
			require.True(t, strings.HasPrefix(err.Error(), "ocivault: secret X: "), "Classify = %v, want it prefixed with the thing asked for", err)
			assert.Equal(t, tc.retry, Retryable(tc.err), "Retryable")
		})
	}
	assert.NoError(t, Classify("x", nil), "Classify(nil)")
}

func TestRetryPolicyIsBounded(t *testing.T) {
	p := RetryPolicy(DefaultBackoff)
	require.Equal(t, uint(MaxAttempts), p.MaximumNumberAttempts)
	require.Nil(t, p.NonEventuallyConsistentPolicy, "eventual consistency")
	var total time.Duration
	for attempt := uint(1); attempt < MaxAttempts; attempt++ {
		total += p.NextDuration(common.OCIOperationResponse{AttemptNumber: attempt})
	}
	assert.LessOrEqual(t, total, 3*time.Second, "one failing call must cost seconds")
	assert.Zero(t, RetryPolicy(0).NextDuration(common.OCIOperationResponse{AttemptNumber: 2}), "zero backoff waits")
}

func TestTuneOverridesDefaults(t *testing.T) {
	bc := common.BaseClient{Configuration: common.CustomClientConfiguration{
		CircuitBreaker: common.NewCircuitBreaker(common.DefaultCircuitBreakerSetting()),
	}}
	hc := Dispatcher(&http.Client{Timeout: time.Minute})
	Tune(&bc, hc, 0)
	assert.Nil(t, bc.Configuration.CircuitBreaker, "Tune left the circuit breaker")
	if assert.NotNil(t, bc.Configuration.RetryPolicy) {
		assert.Equal(t, uint(MaxAttempts), bc.Configuration.RetryPolicy.MaximumNumberAttempts)
	}
	assert.Same(t, hc, bc.HTTPClient)
	assert.Equal(t, AttemptTimeout, hc.Timeout, "dispatcher timeout")
	assert.Equal(t, time.Second, Dispatcher(&http.Client{Timeout: time.Second}).Timeout, "a shorter timeout was lengthened")
}

func TestAwaitStopsWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	defer close(release)
	cancel()
	_, err := Await(ctx, "step", func() (int, error) { <-release; return 1, nil })
	require.ErrorIs(t, err, providers.ErrUnavailable)
	require.ErrorIs(t, err, context.Canceled)
	v, err := Await(context.Background(), "step", func() (int, error) { return 7, nil })
	require.NoError(t, err)
	require.Equal(t, 7, v)
}

func TestConfigFilePathAndProfile(t *testing.T) {
	env := func(m map[string]string) providers.Deps {
		return providers.Deps{LookupEnv: testkit.Env(m).Lookup}
	}
	tests := []struct {
		name        string
		s           ociauth.Settings
		env         map[string]string
		wantPath    string
		wantProfile string
	}{
		{name: "defaults", env: map[string]string{"HOME": "/home/u"}, wantPath: "/home/u/.oci/config", wantProfile: "DEFAULT"},
		{name: "OCI_CONFIG_FILE", env: map[string]string{"OCI_CONFIG_FILE": "/etc/oci", "OCI_CLI_PROFILE": "P"}, wantPath: "/etc/oci", wantProfile: "P"},
		{name: "OCI_CLI_CONFIG_FILE", env: map[string]string{"OCI_CLI_CONFIG_FILE": "/etc/cli"}, wantPath: "/etc/cli", wantProfile: "DEFAULT"},
		{name: "entry wins", s: ociauth.Settings{ConfigFile: "~/cfg", Profile: "E"}, env: map[string]string{"HOME": "/h", "OCI_CONFIG_FILE": "/etc/oci", "OCI_CLI_PROFILE": "P"}, wantPath: "/h/cfg", wantProfile: "E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := Identity{Settings: tc.s, Deps: env(tc.env)}
			assert.Equal(t, tc.wantPath, id.ConfigFilePath(), "path")
			assert.Equal(t, tc.wantProfile, id.ProfileName(), "profile")
		})
	}
}

func TestServiceSendsClientsToTheEndpointOverride(t *testing.T) {
	tests := []struct {
		name, endpoint, want string
	}{
		{name: "no override keeps the SDK's host", endpoint: "", want: "https://secrets.vaults.us-ashburn-1.oci.oraclecloud.com"},
		{name: "override", endpoint: "http://127.0.0.1:8443", want: "http://127.0.0.1:8443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService("ocivault", tt.endpoint, netdeps.Deps{})
			require.NotNil(t, s.Deps.Now, "deps defaults filled")
			assert.Equal(t, DefaultBackoff, s.Backoff)
			bc := common.BaseClient{Host: "https://secrets.vaults.us-ashburn-1.oci.oraclecloud.com"}
			s.Tune(&bc)
			assert.Equal(t, tt.want, bc.Host)
			assert.Same(t, s.HTTP, bc.HTTPClient)
			assert.Same(t, s.HTTP, s.Identity(ociauth.Settings{Kind: "ocivault"}).HTTP, "identity exchanges use the same client")
		})
	}
}
