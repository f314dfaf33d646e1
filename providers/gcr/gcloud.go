package gcr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// gcloudTimeout bounds one `gcloud config config-helper`: gcloud is a
// Python program that starts in about a second and may refresh the login's
// token over the network; a gcloud that hangs (a prompt, a dead proxy)
// must not hold a pull.
const gcloudTimeout = 30 * time.Second

// gcloudWaitDelay is how long a run waits for gcloud's pipes once it is
// gone or killed (a child it started may hold them).
const gcloudWaitDelay = 2 * time.Second

// maxGcloudOutput bounds what is read of gcloud's stdout and stderr.
const maxGcloudOutput = 256 << 10

// gcloudArgs is what docker-credential-gcr's `gcloud` source and
// kubectl's gcp auth provider run: the active login's access token and its
// expiry, refreshed by gcloud when due.
var gcloudArgs = []string{"config", "config-helper", "--format=json"}

// fromGcloud is the source of the user's gcloud login.
func (p *Provider) fromGcloud(ctx context.Context) (source, error) {
	exe, err := p.gcloudExe()
	if err != nil {
		return source{}, err
	}
	return source{name: "gcloud login (" + exe + " config config-helper)", ts: gcloudSource{ctx: ctx, p: p, exe: exe}}, nil
}

// gcloudSource runs gcloud for each token: gcloud keeps and refreshes the
// login, the resolver's cache keeps the token.
type gcloudSource struct {
	ctx context.Context
	p   *Provider
	exe string
}

// Token implements oauth2.TokenSource.
func (g gcloudSource) Token() (*oauth2.Token, error) {
	out, err := g.p.runGcloud(g.ctx, g.exe)
	if err != nil {
		return nil, err
	}
	ans, err := parseConfigHelper(out)
	if err != nil {
		return nil, err
	}
	g.p.deps.Logger.DebugContext(g.ctx, "gcr: gcloud answered a token", "account", ans.account, "configuration", ans.configuration, "expiry", ans.token.Expiry)
	return ans.token, nil
}

// runGcloud runs gcloud under the time bound and returns its stdout, or an
// error that says what to do, with its stderr summarised and no secret.
func (p *Provider) runGcloud(ctx context.Context, exe string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, gcloudTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, gcloudArgs...)
	// Never a prompt: there is no one to answer it.
	cmd.Env = append(p.environ(), "CLOUDSDK_CORE_DISABLE_PROMPTS=1")
	stdout, stderr := &cappedBuffer{max: maxGcloudOutput}, &cappedBuffer{max: maxGcloudOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = gcloudWaitDelay
	setProcessGroup(cmd)
	start := p.deps.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: gcr: gcloud config config-helper did not answer within %s (%s): %w", providers.ErrUnavailable, p.deps.Now().Sub(start).Round(time.Millisecond), exe, ctx.Err())
	}
	if err != nil {
		return nil, gcloudFailed(exe, err, stderr.Bytes())
	}
	if stdout.over {
		return nil, fmt.Errorf("%w: gcr: gcloud config config-helper answered more than %d bytes", providers.ErrInvalid, maxGcloudOutput)
	}
	return stdout.Bytes(), nil
}

// gcloudFailed explains a gcloud that ran and failed, or did not start.
func gcloudFailed(exe string, err error, stderr []byte) error {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("%w: gcr: cannot run gcloud (%s): %s; %s", providers.ErrNoIdentity, exe, providers.OneLine(err.Error()), gcloudNotFound)
	}
	summary := summarizeGcloudStderr(stderr)
	hint, kind := gcloudHint(summary)
	return fmt.Errorf("%w: gcr: gcloud config config-helper failed (%s): %s%s", kind, exit.ProcessState, summary, hint)
}

// cappedBuffer keeps the first max bytes written and drops the rest; writes
// never fail, so gcloud never dies of a closed pipe mid-answer.
type cappedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *cappedBuffer) Write(b []byte) (int, error) {
	if room := c.max - c.Len(); room < len(b) {
		c.over = true
		if room > 0 {
			c.Buffer.Write(b[:room])
		}
		return len(b), nil
	}
	return c.Buffer.Write(b)
}
