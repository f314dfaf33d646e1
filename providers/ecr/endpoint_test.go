package ecr

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// rerouter records which AWS host each request was addressed to and sends
// it to the fake instead, keeping the Host header (which SigV4 signs), so
// the SDK's real endpoint selection is observed without leaving the machine.
type rerouter struct {
	to    *url.URL
	mu    sync.Mutex
	hosts []string
}

func (r *rerouter) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.hosts = append(r.hosts, req.URL.Host)
	r.mu.Unlock()
	out := req.Clone(req.Context())
	out.Host = req.URL.Host
	out.URL.Scheme, out.URL.Host = r.to.Scheme, r.to.Host
	return http.DefaultTransport.RoundTrip(out)
}

func TestAPIEndpointFollowsTheRegistryHost(t *testing.T) {
	tests := []struct {
		name, host string
		cfg        Config
		wantAPI    string
	}{
		{name: "commercial", host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", wantAPI: "api.ecr.eu-west-1.amazonaws.com"},
		{name: "fips host", host: "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com", wantAPI: "api.ecr-fips.us-east-1.amazonaws.com"},
		{name: "fips setting", host: "123456789012.dkr.ecr.us-east-2.amazonaws.com", cfg: Config{FIPS: true}, wantAPI: "api.ecr-fips.us-east-2.amazonaws.com"},
		{name: "dual-stack host", host: "123456789012.dkr-ecr.us-west-2.on.aws", wantAPI: "ecr.us-west-2.api.aws"},
		{name: "dual-stack setting", host: "123456789012.dkr.ecr.us-west-2.amazonaws.com", cfg: Config{DualStack: true}, wantAPI: "ecr.us-west-2.api.aws"},
		{name: "dual-stack fips host", host: "123456789012.dkr-ecr-fips.us-east-1.on.aws", wantAPI: "ecr-fips.us-east-1.api.aws"},
		{name: "china", host: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", wantAPI: "api.ecr.cn-north-1.amazonaws.com.cn"},
		{name: "gov cloud", host: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com", wantAPI: "api.ecr.us-gov-west-1.amazonaws.com"},
		{name: "public", host: "public.ecr.aws", wantAPI: "api.ecr-public.us-east-1.amazonaws.com"},
		{name: "public ignores region override", host: "public.ecr.aws", cfg: Config{Region: "eu-west-1"}, wantAPI: "api.ecr-public.us-east-1.amazonaws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			cloud := ecrtest.New(t)
			userEnv(t, cloud)
			to, _ := url.Parse(cloud.ECRURL())
			rr := &rerouter{to: to}
			p, _ := newProviderWith(t, tt.cfg, &http.Client{Transport: rr})
			cred, err := get(p, tt.host)
			require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
			_, ok := cloud.Lookup(cred.Secret.Reveal())
			require.True(t, ok, "the password is not one the fake issued")
			assert.Equal(t, []string{tt.wantAPI}, rr.hosts, "API requests went elsewhere")
		})
	}
}

// nxdomain fails every dial the way a DNS lookup of an unknown name does.
type nxdomain struct{}

func (nxdomain) RoundTrip(req *http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: req.URL.Hostname(), IsNotFound: true}}
}

func TestUnknownRegionEndpoint(t *testing.T) {
	isolate(t)
	cloud := ecrtest.New(t)
	userEnv(t, cloud)
	const host = "123456789012.dkr.ecr.xx-nowhere-9.amazonaws.com"
	p, logs := newProviderWith(t, Config{}, &http.Client{Transport: nxdomain{}})
	_, err := p.Credential(context.Background(), providers.Request{Registry: host})
	checkErr(t, err, providers.ErrInvalid, host, logs, []string{"api.ecr.xx-nowhere-9.amazonaws.com", "does not exist", `region "xx-nowhere-9"`})
}
