package credhelper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/matcher"
)

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
	before := a.routeKey(target) // the inputs as they were before anything was read
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	res, nf, err := r.resolve(ctx, target)
	if err != nil {
		if rt, ok := a.notFoundRoute(r, nf); ok && errors.Is(err, ErrNotFound) {
			a.recordRoute(r, target, before, rt)
		}
		return err
	}
	if err := dockerproto.WriteCredentials(a.Stdout, dockerproto.Credentials{
		ServerURL: serverURL,
		Username:  res.Credential.Username,
		Secret:    res.Credential.Secret.Reveal(),
	}); err != nil {
		return err
	}
	if rt, ok := a.tokenRoute(r, res); ok {
		a.recordRoute(r, target, before, rt)
	} else if rt, ok := a.staticRoute(ctx, r, res, target); ok {
		a.recordRoute(r, target, before, rt)
	}
	return nil
}

// readServerURL reads get's or erase's stdin: one registry or image.
func (a *App) readServerURL() (string, matcher.Target, error) {
	data, err := dockerproto.ReadLimited(a.Stdin, dockerproto.MaxRequestSize)
	if err != nil {
		return "", matcher.Target{}, err
	}
	return dockerproto.ParseServerURL(data)
}

func (a *App) dockerStore(ctx context.Context) error {
	data, err := dockerproto.ReadLimited(a.Stdin, dockerproto.MaxStoreSize)
	if err != nil {
		return err
	}
	var creds dockerproto.Credentials
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&creds); err != nil {
		return fmt.Errorf("store: stdin is not the JSON object {\"ServerURL\",\"Username\",\"Secret\"}: %s", dockerproto.DescribeJSONError(err))
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
		a.Deps.Logger.Warn("erase: clearing cached tokens failed", "registry", target.Registry(), "error", err)
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
	return dockerproto.WriteJSON(a.Stdout, listing(ctx, r))
}
