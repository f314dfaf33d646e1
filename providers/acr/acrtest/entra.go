package acrtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

const (
	// AssertionType is the client_assertion_type of a JWT client assertion.
	AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// ExchangeAudience is the audience Entra requires of a federated token.
	ExchangeAudience = "api://AzureADTokenExchange"
	// RegistryAudience is the audience of tokens for ACR's default scope.
	RegistryAudience = "https://containerregistry.azure.net"
	// ManagementAudience is Azure Resource Manager's, which ACR accepts too.
	ManagementAudience = "https://management.azure.com"
)

// Issued is what Entra (or IMDS, on its behalf) issued a token for.
type Issued struct {
	Tenant   string
	ClientID string
	Audience string
	// Via names the grant: "client_secret", "certificate", "federated",
	// "managed_identity", "az".
	Via     string
	Expires time.Time
}

// Entra is a fake Microsoft Entra ID: per-tenant OpenID configuration and
// v2.0 token endpoints.
type Entra struct {
	URL   string // https://127.0.0.1:port
	cloud *Cloud
	srv   *httptest.Server
	key   *rsa.PrivateKey

	mu       sync.Mutex
	apps     map[string]*App // client ID → app
	issued   map[string]Issued
	requests map[string]int // by Via, refused ones included
	outage   int
}

func newEntra(t testing.TB, c *Cloud) *Entra {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	e := &Entra{cloud: c, key: key, apps: map[string]*App{}, issued: map[string]Issued{}, requests: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", e.openidConfiguration)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", e.token)
	e.srv = c.startTLS(t, mux)
	e.URL = e.srv.URL
	return e
}

func (e *Entra) addr() string { return hostOf(e.URL) }

// SetOutage makes the token endpoint answer status (0: serve again).
func (e *Entra) SetOutage(status int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outage = status
}

// Lookup says whether Entra issued token and, if so, to whom. It does not
// say whether it is still live.
func (e *Entra) Lookup(token string) (Issued, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, ok := e.issued[token]
	return i, ok
}

// Requests counts the token requests of a grant ("client_secret",
// "certificate", "federated"), refused ones included.
func (e *Entra) Requests(via string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests[via]
}

func (e *Entra) openidConfiguration(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	base := "https://" + r.Host + "/" + tenant
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"issuer":                                base + "/v2.0",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
	})
}

// token is the client-credentials grant, authenticated by a secret or a
// client assertion (certificate or federated token).
func (e *Entra) token(w http.ResponseWriter, r *http.Request) {
	if e.outageStatus() != 0 {
		aadError(w, e.outageStatus(), "temporarily_unavailable", "AADSTS90033: A transient error has occurred. Please try again.")
		return
	}
	if r.ParseForm() != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		aadError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	}
	f := r.PostForm
	tenant := r.PathValue("tenant")
	scope := resourceScope(f.Get("scope"))
	aud, ok := audienceOf(scope)
	if f.Get("grant_type") != "client_credentials" {
		aadError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
		return
	}
	if !ok {
		aadError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: The provided value for scope "+scope+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.")
		return
	}
	app := e.app(f.Get("client_id"))
	if app == nil || app.Tenant != tenant {
		e.count("unknown")
		aadError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+f.Get("client_id")+"' was not found in the directory '"+tenant+"'.")
		return
	}
	via, status, code, desc := e.authenticate(r, app, f)
	e.count(via)
	if status != 0 {
		aadError(w, status, code, desc)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
		"access_token": e.mint(Issued{Tenant: tenant, ClientID: app.ClientID, Audience: aud, Via: via}),
	})
}

// authenticate checks the client's proof; status 0 is success.
func (e *Entra) authenticate(r *http.Request, app *App, f map[string][]string) (via string, status int, code, desc string) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	switch {
	case get("client_secret") != "":
		if app.secret == "" || get("client_secret") != app.secret {
			return "client_secret", http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
		}
		return "client_secret", 0, "", ""
	case get("client_assertion_type") == AssertionType && get("client_assertion") != "":
		endpoint := "https://" + r.Host + "/" + r.PathValue("tenant") + "/oauth2/v2.0/token"
		return e.checkAssertion(r.Context(), app, get("client_assertion"), endpoint)
	}
	return "none", http.StatusUnauthorized, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
}

func (e *Entra) outageStatus() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outage
}

func (e *Entra) count(via string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests[via]++
}

func (e *Entra) app(clientID string) *App {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.apps[clientID]
}

// mint issues an access token: a JWT Entra signs, remembered.
func (e *Entra) mint(i Issued) string {
	now := e.cloud.clock()
	i.Expires = now.Add(time.Hour).Truncate(time.Second)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"aud": i.Audience, "iss": "https://sts.windows.net/" + i.Tenant + "/", "tid": i.Tenant,
		"appid": i.ClientID, "oid": i.ClientID, "sub": i.ClientID, "jti": rand.Text(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": i.Expires.Unix(),
	}).SignedString(e.key)
	if err != nil {
		panic(err) // an RSA key that cannot sign is a broken test set-up
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.issued[tok] = i
	return tok
}

// resourceScope drops the OpenID scopes MSAL adds to every request, as
// Entra does in a client-credentials grant.
func resourceScope(scope string) string {
	var out []string
	for _, s := range strings.Fields(scope) {
		if s != "openid" && s != "offline_access" && s != "profile" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// audienceOf is the resource of a client-credentials scope ("<resource>/.default").
func audienceOf(scope string) (string, bool) {
	res, ok := strings.CutSuffix(scope, "/.default")
	return res, ok && strings.Contains(res, "://") && !strings.ContainsAny(res, " ")
}

// aadError answers as Entra's token endpoint does: the AADSTS text with
// its trace, correlation ID and timestamp appended, and the same again in
// fields of their own.
func aadError(w http.ResponseWriter, status int, code, desc string) {
	trace, correlation := uuid.NewString(), uuid.NewString()
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	body := map[string]any{
		"error":             code,
		"error_description": desc + " Trace ID: " + trace + " Correlation ID: " + correlation + " Timestamp: " + ts,
		"error_codes":       []int{},
		"timestamp":         ts, "trace_id": trace, "correlation_id": correlation,
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(desc, ":", 2)[0], "AADSTS")); err == nil {
		body["error_codes"] = []int{n}
		body["error_uri"] = "https://login.microsoftonline.com/error?code=" + strconv.Itoa(n)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
