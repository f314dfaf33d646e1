package acr

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// metadataAt is a client that dials the metadata address to addr.
func metadataAt(addr string) *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == imdsHost+":80" {
			a = addr
		}
		return d.DialContext(ctx, network, a)
	}}}
}

// The probe tells Azure's IMDS apart from what else may answer at its
// address; none of the others is taken for a managed identity.
func TestIMDSProbe(t *testing.T) {
	azure := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata") != "true" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"Required query variable 'resource' is missing"}`))
	}))
	defer azure.Close()
	otherCloud := httptest.NewServer(http.NotFoundHandler()) // AWS's and Google's answer this path with 404
	defer otherCloud.Close()
	hole := testkit.NewBlackHole(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedAddr := closed.Listener.Addr().String()
	closed.Close()

	tests := []struct {
		name, addr string
		azure      bool
		why        string
	}{
		{name: "Azure", addr: azure.Listener.Addr().String(), azure: true},
		{name: "another cloud's metadata server", addr: otherCloud.Listener.Addr().String(), why: "answered 404, not as Azure's IMDS"},
		{name: "nothing listening", addr: closedAddr, why: "unreachable"},
		{name: "a black hole", addr: hole.Addr(), why: "no answer within " + imdsProbeTimeout.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(Config{}, netdeps.Deps{HTTPClient: metadataAt(tt.addr), Deps: providers.Deps{LookupEnv: testkit.Env{}.Lookup}})
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, why, busy := p.probeIMDS(ctx)
			require.NoError(t, busy)
			assert.Equal(t, tt.azure, got)
			assert.Contains(t, why, tt.why)
		})
	}
}

// TestBusyIMDSIsNoAbsence: Azure's IMDS throttles (429) and fails (5xx)
// at times; on a VM whose identity it holds, that is an outage to retry,
// never "no Azure identity here" for the cache to remember.
func TestBusyIMDSIsNoAbsence(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = w.Write([]byte(`{"error":"` + http.StatusText(status) + `"}`))
			}))
			defer busy.Close()
			p, err := New(Config{}, netdeps.Deps{HTTPClient: metadataAt(busy.Listener.Addr().String()), Deps: providers.Deps{LookupEnv: testkit.Env{"PATH": t.TempDir()}.Lookup}})
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err = p.Credential(ctx, providers.Request{Registry: "myreg.azurecr.io", Pattern: "*.azurecr.io"})
			testkit.WantErr(t, err, providers.ErrUnavailable, "IMDS", strconv.Itoa(status), "try again later")
			assert.NotErrorIs(t, err, providers.ErrAbsent, "a busy IMDS remembered as no identity")
		})
	}
}
