package credhelper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/regcred/regcred/matcher"
)

// Input limits: a registry or image reference is at most a few hundred
// bytes; a store payload carries a token, which can be a few KiB (ECR's are
// about 2 KiB, Google's JWT-shaped ones more).
const (
	maxRequestSize = 4 << 10
	maxStoreSize   = 64 << 10
)

// dockerCredentials is the wire shape of get's answer and store's input;
// field order and names are the protocol's.
type dockerCredentials struct {
	ServerURL string
	Username  string
	Secret    string
}

func (a *App) docker(ctx context.Context, verb string) error {
	switch verb {
	case "get":
		return a.dockerGet(ctx)
	case "store":
		return a.dockerStore(ctx)
	case "erase":
		return a.dockerErase(ctx)
	case "list":
		return a.dockerList(ctx)
	}
	return a.printVersion()
}

func (a *App) dockerGet(ctx context.Context) error {
	serverURL, target, err := a.readServerURL()
	if err != nil {
		return err
	}
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	res, err := r.Resolve(ctx, target)
	if err != nil {
		return err
	}
	return writeJSON(a.Stdout, dockerCredentials{
		ServerURL: serverURL,
		Username:  res.Credential.Username,
		Secret:    res.Credential.Secret.Reveal(),
	})
}

// readServerURL reads get's or erase's stdin: one registry or image.
func (a *App) readServerURL() (string, matcher.Target, error) {
	data, err := readLimited(a.Stdin, maxRequestSize)
	if err != nil {
		return "", matcher.Target{}, err
	}
	serverURL := strings.TrimSpace(string(data))
	if serverURL == "" {
		return "", matcher.Target{}, ErrMissingServerURL
	}
	target, err := matcher.Normalize(serverURL)
	if err != nil {
		return "", matcher.Target{}, err
	}
	return serverURL, target, nil
}

func (a *App) dockerStore(ctx context.Context) error {
	data, err := readLimited(a.Stdin, maxStoreSize)
	if err != nil {
		return err
	}
	var creds dockerCredentials
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&creds); err != nil {
		return fmt.Errorf("store: stdin is not the JSON object {\"ServerURL\",\"Username\",\"Secret\"}: %s", jsonProblem(err))
	}
	if creds.ServerURL == "" {
		return ErrMissingServerURL
	}
	if creds.Username == "" {
		return ErrMissingUsername
	}
	target, err := matcher.Normalize(creds.ServerURL)
	if err != nil {
		return err
	}
	return a.storeLogin(ctx, target, creds)
}

func (a *App) dockerErase(ctx context.Context) error {
	_, target, err := a.readServerURL()
	if err != nil {
		return err
	}
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	if n, err := r.cache.Clear(ctx, target.Registry()); err != nil {
		a.Deps.Logger.Warn("erase: clearing cached tokens failed", "registry", target.Registry(), "err", err)
	} else {
		a.Deps.Logger.Debug("erase: cached tokens cleared", "registry", target.Registry(), "count", n)
	}
	return a.eraseLogin(ctx, target)
}

func (a *App) dockerList(ctx context.Context) error {
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	return writeJSON(a.Stdout, listing(ctx, r))
}

// readLimited reads all of r, refusing more than limit bytes so a runaway
// caller cannot make the helper buffer without bound.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading stdin: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("stdin is longer than %d bytes; expected one registry or image reference", limit)
	}
	return data, nil
}

// writeJSON encodes v the way the reference implementation does (HTML
// escaping on, trailing newline) and writes it in one call, so stdout never
// holds a partial answer.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// jsonProblem describes a decoding error without quoting the input, which
// may hold a secret.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s should be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF):
		return "empty input"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated input"
	}
	return "malformed input"
}
