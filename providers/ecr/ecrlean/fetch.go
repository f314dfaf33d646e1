package ecrlean

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/regcred/regcred/providers"
)

// The JSON 1.1 protocol's request, as the SDK's ECR client sends it.
const (
	target      = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
	contentType = "application/x-amz-json-1.1"
	service     = "ecr"
	// maxAnswer bounds what is read of an answer (one token is 2–3 KiB).
	maxAnswer = 64 << 10
)

// Errors of a lean fetch; each means "leave it to the engine".
var (
	ErrNoKeys   = errors.New("no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	ErrRefused  = errors.New("ECR refused GetAuthorizationToken")
	ErrAnswer   = errors.New("ECR's answer is not what the recipe expects")
	ErrNotSent  = errors.New("GetAuthorizationToken was not answered")
	errNotFresh = errors.New("the token has already expired (is the clock right?)")
)

// Fetcher repeats recipes. Its fields are the process's handles, injected.
type Fetcher struct {
	HTTPClient *http.Client
	LookupEnv  func(string) (string, bool)
	Now        func() time.Time
}

// Credential makes r's call once and returns the token it answered.
func (f Fetcher) Credential(ctx context.Context, r providers.Recipe) (providers.Credential, error) {
	if err := Check(r); err != nil {
		return providers.Credential{}, err
	}
	keys, ok := envKeys(f.LookupEnv)
	if !ok {
		return providers.Credential{}, ErrNoKeys
	}
	body := []byte("{}")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: %w", providers.ErrRecipe, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, keys, req, hex.EncodeToString(sum[:]), service, r.Region, f.Now()); err != nil {
		return providers.Credential{}, fmt.Errorf("signing GetAuthorizationToken: %w", err)
	}
	return f.send(req, r)
}

// send sends req and reads its answer.
func (f Fetcher) send(req *http.Request, r providers.Recipe) (providers.Credential, error) {
	resp, err := f.HTTPClient.Do(req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: reading the answer: %w", ErrNotSent, err)
	}
	if resp.StatusCode != http.StatusOK {
		return providers.Credential{}, refusal(resp, data)
	}
	return f.credential(data, r)
}

// refusal is ECR's error answer: its status, code and message (the JSON
// 1.1 protocol's {"__type", "message"}), one quoted line. AWS names the
// principal there (an ARN), never a key.
func refusal(resp *http.Response, data []byte) error {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(data, &e) // an answer that is not JSON leaves both empty
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = e.Type
	}
	return fmt.Errorf("%w: HTTP %d %s: %s", ErrRefused, resp.StatusCode, strconv.Quote(providers.OneLine(code)), strconv.Quote(providers.OneLine(e.Message)))
}

// answer is GetAuthorizationToken's output (expiresAt: epoch seconds).
type answer struct {
	AuthorizationData []struct {
		AuthorizationToken string      `json:"authorizationToken"`
		ExpiresAt          json.Number `json:"expiresAt"`
		ProxyEndpoint      string      `json:"proxyEndpoint"`
	} `json:"authorizationData"`
}

// credential reads data as the answer to r: one token, for r's registry
// endpoint, not yet expired.
func (f Fetcher) credential(data []byte, r providers.Recipe) (providers.Credential, error) {
	var a answer
	if err := json.Unmarshal(data, &a); err != nil || len(a.AuthorizationData) != 1 {
		return providers.Credential{}, fmt.Errorf("%w: not one authorizationData", ErrAnswer)
	}
	d := a.AuthorizationData[0]
	if d.ProxyEndpoint != r.Proxy {
		return providers.Credential{}, fmt.Errorf("%w: a token for %s, not %s", ErrAnswer, strconv.Quote(d.ProxyEndpoint), r.Proxy)
	}
	expires, err := epoch(d.ExpiresAt)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: expiresAt: %w", ErrAnswer, err)
	}
	if !expires.After(f.Now()) {
		return providers.Credential{}, fmt.Errorf("%w: %w", ErrAnswer, errNotFresh)
	}
	user, password, err := SplitToken(d.AuthorizationToken)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: %w", ErrAnswer, err)
	}
	return providers.Credential{Username: user, Secret: providers.Secret(password), ExpiresAt: expires, Recipe: r}, nil
}

// epoch reads a JSON 1.1 timestamp: seconds since the epoch, with a
// fraction.
func epoch(n json.Number) (time.Time, error) {
	s, err := n.Float64()
	if err != nil || s <= 0 {
		return time.Time{}, errors.New("not a timestamp")
	}
	return time.UnixMilli(int64(s * 1000)), nil
}
