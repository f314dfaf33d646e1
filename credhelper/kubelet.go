package credhelper

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// kubelet answers one CredentialProviderRequest: the kubelet's exec
// credential-provider protocol (args: [kubelet] in its
// CredentialProviderConfig). The request is read from stdin, the response
// written to stdout; errors go to stderr with exit 1 (see errorOut), which
// the kubelet logs and treats as "no credentials from this provider".
//
// Every matching entry that yields a credential is answered, keyed by its
// pattern, so the kubelet can try them in turn until a pull succeeds. An
// entry that fails is skipped and the others are still answered; only when
// every matching entry fails is the request an error.
func (a *App) kubelet(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: kubelet takes no arguments (it reads a CredentialProviderRequest on stdin)", ErrUsage)
	}
	req, err := readKubeletRequest(a.Stdin)
	if err != nil {
		return fmt.Errorf("regcred kubelet: %w", err)
	}
	a.Deps.Logger.Debug("kubelet request", "apiVersion", req.apiVersion, "image", req.image,
		"serviceAccountToken", req.token != "", // whether one came, never what
		"serviceAccountAnnotations", slices.Sorted(maps.Keys(req.annotations)))
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	return a.answerKubelet(ctx, r, req)
}

// answerKubelet resolves req and writes the response.
func (a *App) answerKubelet(ctx context.Context, r *Resolver, req kubeletRequest) error {
	results, attempts := r.ResolveAll(ctx, req.target, req.serviceAccount())
	if len(results) == 0 && len(attempts) > 0 && len(attempts) == len(r.Match(req.target)) {
		// Every match failed. Fewer failures than matches and no result
		// means an `anonymous` entry ended the walk: an empty answer.
		return &AllFailedError{Target: req.target.String(), Attempts: attempts}
	}
	for _, at := range attempts {
		a.Deps.Logger.Warn("entry skipped; answering the others", "entry", at.Entry, "reason", at.Err)
	}
	return writeKubeletResponse(a.Stdout, kubeletAnswer(req, r, results, len(attempts), a.Deps.Now()))
}
