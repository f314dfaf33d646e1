package ocitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// SignedHandler serves a request whose signature verified.
type SignedHandler func(w http.ResponseWriter, r *http.Request, keyID string, body []byte)

// requestIDs numbers the fakes' answers (opc-request-id).
type requestIDs struct{ n atomic.Int64 }

func (ids *requestIDs) next() string {
	return fmt.Sprintf("fake/%d", ids.n.Add(1))
}

// Signed wraps h so it only sees requests v accepts; the rest are
// answered 401 NotAuthenticated with OCI's wording, and reported to
// rejected (may be nil) with the reason.
func Signed(v *Verifier, h SignedHandler, rejected func(r *http.Request, reason error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			WriteError(w, http.StatusBadRequest, "InvalidParameter", "could not read the body")
			return
		}
		keyID, err := v.Verify(r, body)
		if err != nil {
			if rejected != nil {
				rejected(r, err)
			}
			WriteError(w, http.StatusUnauthorized, "NotAuthenticated", "The required information to complete authentication was not provided or was incorrect.")
			return
		}
		h(w, r, keyID, body)
	})
}

// WriteError answers an OCI error document.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("opc-request-id", "fake-error")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message})
}

// writeJSON answers v as JSON with status 200.
func writeJSON(w http.ResponseWriter, id string, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("opc-request-id", id)
	_ = json.NewEncoder(w).Encode(v)
}
