package gcr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// source is where tokens come from, with a name for messages: a file and
// what it holds, or the metadata server. Never a secret.
type source struct {
	name string
	ts   oauth2.TokenSource
}

// noADCHint tells the user how to give this entry an identity.
const noADCHint = "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS or this entry's credentialsFile to a service-account key file"

// findSource follows the Application Default Credentials order: the
// entry's file, GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the
// metadata server. A file that is named but broken is an error, not a
// reason to fall through to the next place.
func (p *Provider) findSource(ctx context.Context) (source, error) {
	scopes := p.cfg.TokenScopes()
	if p.cfg.ImpersonateServiceAccount != "" {
		// The IAM Credentials API wants a cloud-platform token; the entry's
		// scopes go to the impersonated account's token.
		scopes = []string{DefaultScope}
	}
	if p.cfg.Source == SourceGcloud {
		// gcloud's token has the scopes of its login; impersonation asks
		// for the entry's.
		return p.fromGcloud(ctx)
	}
	if f := p.cfg.CredentialsFile; f != "" {
		path, err := p.expandHome(f)
		if err != nil {
			return source{}, err
		}
		return p.fromFile(ctx, path, "credentialsFile", scopes)
	}
	if f := p.getenv("GOOGLE_APPLICATION_CREDENTIALS"); f != "" {
		return p.fromFile(ctx, f, "GOOGLE_APPLICATION_CREDENTIALS", scopes)
	}
	tried := []string{"GOOGLE_APPLICATION_CREDENTIALS is not set"}
	if path, why := p.gcloudADCPath(); path != "" {
		src, err := p.fromFile(ctx, path, "gcloud's ADC file", scopes)
		if !errors.Is(err, fs.ErrNotExist) {
			return src, err
		}
		tried = append(tried, "there is no gcloud ADC file at "+path)
	} else {
		tried = append(tried, why)
	}
	return p.fromMetadata(ctx, scopes, tried)
}

// gcloudADCPath is where gcloud keeps the ADC file, or "" and why there is
// none to look at.
func (p *Provider) gcloudADCPath() (path, why string) {
	return GcloudADCPath(p.deps.LookupEnv, runtime.GOOS)
}

// expandHome turns a leading "~/" into $HOME, as a shell would.
func (p *Provider) expandHome(path string) (string, error) {
	expanded, ok := providers.ExpandHome(path, p.deps.LookupEnv)
	if !ok {
		return "", fmt.Errorf("%w: gcr: credentialsFile %s starts with \"~/\", which needs HOME, and HOME is not set", providers.ErrInvalid, path)
	}
	return expanded, nil
}

func (p *Provider) getenv(key string) string {
	v, _ := p.deps.LookupEnv(key)
	return v
}
