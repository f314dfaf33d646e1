package controller

import (
	"fmt"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// maxNote is the API server's limit on an events.k8s.io Event's note, in
// bytes: a longer one is rejected and the Event lost, and a backend's error
// that lists every matching entry easily runs past it.
const maxNote = 1024

// warn records a Warning Event whose note fits the API server's limit; the
// full error stays in the log.
func (r *reconciler) warn(ref runtime.Object, reason, action, format string, args ...any) {
	r.events.Eventf(ref, nil, corev1.EventTypeWarning, reason, action, "%s", boundNote(fmt.Sprintf(format, args...)))
}

// boundNote cuts s to at most maxNote bytes on a rune boundary, marking the
// cut; the start (registry, verdict, first entry's error) is what is kept.
func boundNote(s string) string {
	if len(s) <= maxNote {
		return s
	}
	const mark = " …(cut; the controller's log has the whole error)"
	cut := maxNote - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
