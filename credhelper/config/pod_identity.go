package config

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
)

// UsesPodIdentity reports whether the entry's backend logs in with the
// service-account token the kubelet passes for a pod, and with nothing of
// the node's (providers.PodIdentity).
func (e *Entry) UsesPodIdentity() bool {
	pi, ok := e.settings.(providers.PodIdentity)
	return ok && pi.UsesPodIdentity()
}

// PodAnnotations lists the service-account annotations the entry's settings
// read to choose an identity.
func (e *Entry) PodAnnotations() []string {
	if pi, ok := e.settings.(providers.PodIdentity); ok {
		return pi.PodAnnotations()
	}
	return nil
}

// AnswersPod reports whether the entry may answer a kubelet request that
// carries a pod's service-account token: it logs in as that pod, or it
// opted in with answersAnyPod.
func (e *Entry) AnswersPod() bool { return e.UsesPodIdentity() || e.AnswersAnyPod }

// checkPodIdentity refuses the combinations that would let a pod choose an
// identity used without its own token, whatever the kind: a setting that
// reads an annotation in a login that is not the pod's (the kinds' own
// validation says the same, naming their settings; this holds for kinds
// added later too), and answersAnyPod on an entry that answers as the pod
// anyway.
func (e *Entry) checkPodIdentity() error {
	ann := e.PodAnnotations()
	if len(ann) > 0 && !e.UsesPodIdentity() {
		return fmt.Errorf("%s: the identity would be chosen by the pod's annotation %s but the login made without the pod's service-account token: any pod could name another's identity",
			e.Kind(), strings.Join(ann, ", "))
	}
	if e.AnswersAnyPod && e.UsesPodIdentity() {
		return fmt.Errorf("answersAnyPod: this %s entry logs in with the pod's own service-account token already; the setting is for entries that answer as the node (static, AppRole, ambient cloud identity)", e.Kind())
	}
	return nil
}

// IdentitySource says where the entry's identity comes from, when its
// kind can tell (providers.IdentitySource); "" otherwise.
func (e *Entry) IdentitySource() string {
	if d, ok := e.settings.(providers.IdentitySource); ok {
		return d.IdentitySource()
	}
	return ""
}
