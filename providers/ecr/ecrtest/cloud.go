package ecrtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Account is the account ID the fake cloud's identities live in, unless
// WithAccount says otherwise.
const Account = "123456789012"

// Cloud is a fake AWS account on 127.0.0.1: IAM users and roles, ECR and
// ECR Public (one endpoint serves both APIs, told apart by X-Amz-Target and
// the signing service), STS and container credentials endpoints. What one
// issues, the others accept: ECR verifies the signature of a request made
// with keys STS handed out, with those keys' secret.
type Cloud struct {
	t       testing.TB
	account string
	now     func() time.Time
	ttl     time.Duration

	mu       sync.Mutex
	keys     map[string]*accessKey // by access key ID
	roles    map[string]*role      // by role ARN
	denied   map[string]bool       // policy ARN + " " + action
	faults   map[Op][]Fault
	calls    map[Op]int
	issued   map[string]Grant // by registry password
	rejected []string
	// signers counts, by access key ID, the requests (ECR, ECR Public, STS)
	// whose Authorization header names the key, verified or not.
	signers map[string]int

	ecr, sts *httptest.Server
	tls      bool          // ECR's endpoint speaks https (WithTLS)
	release  chan struct{} // closed at cleanup: ends Slow responses
}

// accessKey is one pair of keys and who it belongs to.
type accessKey struct {
	id, secret, sessionToken string
	// arn is the caller (user, or assumed-role session); policy is the ARN
	// whose permissions apply (the user, or the role).
	arn, policy string
	expires     time.Time // zero for long-term keys
}

// Keys are AWS credentials the cloud issued.
type Keys struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// ARN is the identity they authenticate as.
	ARN string
	// Expires is zero for an IAM user's long-term keys.
	Expires time.Time
}

// Option changes a Cloud.
type Option func(*Cloud)

// WithTLS serves ECR over https, with a certificate of its own that no
// system trusts (CACertPEM is its PEM), as behind a TLS-inspecting proxy.
func WithTLS() Option { return func(c *Cloud) { c.tls = true } }

// WithClock makes the cloud read time from now: signature skew, token and
// temporary-credential expiry all use it.
func WithClock(now func() time.Time) Option { return func(c *Cloud) { c.now = now } }

// WithAccount sets the account ID of the cloud's identities.
func WithAccount(id string) Option { return func(c *Cloud) { c.account = id } }

// WithTokenTTL sets how long issued registry tokens live (ECR: 12 hours).
func WithTokenTTL(d time.Duration) Option { return func(c *Cloud) { c.ttl = d } }

// New starts the cloud's ECR endpoint; STS starts on first use of STSURL.
// Everything is closed when the test ends.
func New(t testing.TB, opts ...Option) *Cloud {
	t.Helper()
	c := &Cloud{
		t: t, account: Account, now: time.Now, ttl: 12 * time.Hour,
		keys: map[string]*accessKey{}, roles: map[string]*role{}, denied: map[string]bool{},
		faults: map[Op][]Fault{}, calls: map[Op]int{}, issued: map[string]Grant{}, signers: map[string]int{},
		release: make(chan struct{}),
	}
	for _, o := range opts {
		o(c)
	}
	if c.tls {
		c.ecr = httptest.NewTLSServer(http.HandlerFunc(c.serveECR))
	} else {
		c.ecr = httptest.NewServer(http.HandlerFunc(c.serveECR))
	}
	t.Cleanup(func() {
		close(c.release)
		c.ecr.Close()
		if c.sts != nil {
			c.sts.Close()
		}
	})
	return c
}

// ECRURL is the API endpoint of ECR and ECR Public, for the `endpoint`
// setting or AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_ECR_PUBLIC.
func (c *Cloud) ECRURL() string { return c.ecr.URL }

// CACertPEM is the certificate ECR's endpoint presents under WithTLS, in
// PEM: what an AWS CA bundle holds to trust it.
func (c *Cloud) CACertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.ecr.Certificate().Raw})
}

// STSURL is the STS endpoint, for AWS_ENDPOINT_URL_STS.
func (c *Cloud) STSURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sts == nil {
		c.sts = httptest.NewServer(http.HandlerFunc(c.serveSTS))
	}
	return c.sts.URL
}

// NewUser creates an IAM user with long-term keys. Users may call ECR and
// ECR Public GetAuthorizationToken until Deny says otherwise.
func (c *Cloud) NewUser(name string) Keys {
	c.mu.Lock()
	defer c.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:iam::%s:user/%s", c.account, name)
	return c.addKey(&accessKey{id: "AKIA" + randUpper(16), secret: randBase64(30), arn: arn, policy: arn})
}

// Deny removes action ("ecr:GetAuthorizationToken",
// "ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken") from the
// user or role arn.
func (c *Cloud) Deny(arn, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.denied[arn+" "+action] = true
}

// Calls counts the requests op received, including rejected ones.
func (c *Cloud) Calls(op Op) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// SignedWith counts the requests to any of the cloud's endpoints whose
// SigV4 Authorization header names the access key ID, whether or not the
// signature held: tests prove with it that a key never signed a request
// made for someone else (the node's key for a pod, say).
func (c *Cloud) SignedWith(accessKeyID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.signers[accessKeyID]
}

// noteSigner records the access key ID r's Authorization header names.
func (c *Cloud) noteSigner(r *http.Request) {
	id := signingKeyID(r)
	if id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.signers[id]++
}

// Rejections lists why requests were refused, for test failure messages.
func (c *Cloud) Rejections() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.rejected...)
}

// Grant is what the cloud knows about a registry password it issued.
type Grant struct {
	// Principal is the caller's ARN (user or assumed-role session).
	Principal string
	Region    string
	Public    bool
	ExpiresAt time.Time
}

// Lookup tells whether password is a registry password the cloud issued,
// and to whom. Tests check answers with it instead of against constants.
func (c *Cloud) Lookup(password string) (Grant, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.issued[password]
	return g, ok
}

// addKey records k; c.mu must be held.
func (c *Cloud) addKey(k *accessKey) Keys {
	c.keys[k.id] = k
	return Keys{AccessKeyID: k.id, SecretAccessKey: k.secret, SessionToken: k.sessionToken, ARN: k.arn, Expires: k.expires}
}

func (c *Cloud) key(id string) *accessKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[id]
}

func (c *Cloud) allowed(policy, action string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.denied[policy+" "+action]
}

func (c *Cloud) reject(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rejected = append(c.rejected, fmt.Sprintf(format, args...))
}

// tempKeys issues temporary credentials for an assumed-role session.
func (c *Cloud) tempKeys(r *role, session string, d time.Duration) Keys {
	c.mu.Lock()
	defer c.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", c.account, r.name, session)
	return c.addKey(&accessKey{
		id: "ASIA" + randUpper(16), secret: randBase64(30), sessionToken: "IQoJb3JpZ2luX2VjE" + randBase64(300),
		arn: arn, policy: r.arn, expires: c.now().Add(d).Truncate(time.Second),
	})
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: since Go 1.24 it crashes the program instead
	return b
}

func randBase64(n int) string { return base64.StdEncoding.EncodeToString(randBytes(n)) }

func randUpper(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := randBytes(n)
	var s strings.Builder
	for _, x := range b {
		s.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	return s.String()
}
