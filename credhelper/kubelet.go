package credhelper

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/regcred/regcred/credhelper/kubeletproto"
)

// kubelet answers one CredentialProviderRequest: the kubelet's exec
// credential-provider protocol (args: [kubelet] in its
// CredentialProviderConfig). The request is read from stdin, the response
// written to stdout; errors go to stderr with exit 1 (see errorOut), which
// the kubelet logs and treats as "no credentials from this provider".
//
// Every candidate entry that yields a credential is answered, keyed by its
// pattern, so the kubelet can try them in turn until a pull succeeds. An
// entry that fails is skipped and the others are still answered; only when
// every candidate fails is the request an error. In a request carrying a
// pod's service-account token the candidates are the entries that answer
// as that pod (Resolver.Candidates).
func (a *App) kubelet(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: kubelet takes no arguments (it reads a CredentialProviderRequest on stdin)", ErrUsage)
	}
	req, err := kubeletproto.ReadRequest(a.Stdin)
	if err != nil {
		return fmt.Errorf("regcred kubelet: %w", err)
	}
	a.Deps.Logger.Debug("kubelet request", "apiVersion", req.APIVersion, "image", req.Image,
		"serviceAccountToken", req.Token != "", // whether one came, never what
		"serviceAccountAnnotations", slices.Sorted(maps.Keys(req.Annotations)))
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	return a.answerKubelet(ctx, r, req)
}

// answerKubelet resolves req and writes the response.
func (a *App) answerKubelet(ctx context.Context, r *Resolver, req kubeletproto.Request) error {
	sa := req.ServiceAccount()
	candidates := r.Candidates(req.Target, sa)
	if len(candidates) == 0 {
		r.log.Debug("no entry matches", "request", req.Target.String(), "serviceAccountToken", sa != nil)
	} else {
		r.log.Debug("entries match", "request", req.Target.String(), "entries", entryNames(candidates))
	}
	results, attempts := r.resolveEach(ctx, candidates, req.Target, sa)
	if len(results) == 0 && len(attempts) > 0 && len(attempts) == len(candidates) {
		// Every candidate failed. Fewer failures than candidates and no
		// result means an `anonymous` entry ended the walk: an empty answer.
		err := &AllFailedError{Target: req.Target.String(), Attempts: attempts}
		if sa != nil {
			_, withheld := splitForPod(r.Match(req.Target))
			err.Withheld = entryNames(withheld)
		}
		return err
	}
	for _, at := range attempts {
		a.Deps.Logger.Warn("entry skipped; answering the others", "entry", at.Entry, "reason", at.Err)
	}
	return kubeletproto.WriteResponse(a.Stdout, kubeletAnswer(req, r, results, len(attempts), a.Deps.Now()))
}
