package ocitest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Version is one version of a fake secret.
type Version struct {
	Number int64
	// Content is the base64 content served (PullSecret makes one).
	Content string
	// Stages are its rotation states (CURRENT, PREVIOUS, PENDING …).
	// LATEST need not be listed: it is always the highest number.
	Stages         []string
	TimeOfExpiry   time.Time
	TimeOfDeletion time.Time
}

// Secret is a fake vault secret.
type Secret struct {
	ID      string
	Name    string
	VaultID string
	// Versions, in any order.
	Versions []Version
	// Readers, when set, are the only key ids the secret's policies let
	// read it; OCI answers everyone else as if it did not exist.
	Readers []string
	// FailStatus, when set, is answered instead (403, 429, 500 …);
	// FailTimes limits how often (0: always).
	FailStatus int
	FailTimes  int

	failed int
}

// Call is one verified request the fake served.
type Call struct {
	Op            string // GetSecretBundle or GetSecretBundleByName
	Secret        string // the OCID, or the name
	VaultID       string
	Stage         string
	VersionNumber string
	KeyID         string
	Status        int
}

// Secrets fakes the Vault secret-retrieval API (20190301).
type Secrets struct {
	URL string

	rejections

	mu      sync.Mutex
	secrets []*Secret
	calls   []Call
	ids     requestIDs
}

// NewSecrets starts the fake on 127.0.0.1; it stops when the test ends.
func NewSecrets(t testing.TB, v *Verifier) *Secrets {
	s := &Secrets{}
	mux := http.NewServeMux()
	mux.Handle("GET /20190301/secretbundles/{id}", Signed(v, s.byID, s.reject))
	mux.Handle("POST /20190301/secretbundles/actions/getByName", Signed(v, s.byName, s.reject))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// PullSecret is the content of an image-pull secret as OCI Container
// Instances expects it: base64 of {"username": …, "password": …}.
func PullSecret(username, password string) string {
	b, _ := json.Marshal(map[string]string{"username": username, "password": password})
	return base64.StdEncoding.EncodeToString(b)
}

// Put adds or replaces a secret (matched by ID).
func (s *Secrets) Put(sec Secret) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := sec
	s.secrets = slices.DeleteFunc(s.secrets, func(o *Secret) bool { return o.ID == sec.ID })
	s.secrets = append(s.secrets, &c)
}

// Calls returns the verified requests served so far.
func (s *Secrets) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Secrets) byID(w http.ResponseWriter, r *http.Request, keyID string, _ []byte) {
	id := r.PathValue("id")
	s.serve(w, r, Call{Op: "GetSecretBundle", Secret: id, KeyID: keyID}, func(sec *Secret) bool { return sec.ID == id })
}

func (s *Secrets) byName(w http.ResponseWriter, r *http.Request, keyID string, _ []byte) {
	q := r.URL.Query()
	name, vault := q.Get("secretName"), q.Get("vaultId")
	if name == "" || vault == "" {
		WriteError(w, http.StatusBadRequest, "MissingParameter", "secretName and vaultId are required")
		return
	}
	s.serve(w, r, Call{Op: "GetSecretBundleByName", Secret: name, VaultID: vault, KeyID: keyID},
		func(sec *Secret) bool { return sec.Name == name && sec.VaultID == vault })
}

func (s *Secrets) serve(w http.ResponseWriter, r *http.Request, call Call, match func(*Secret) bool) {
	q := r.URL.Query()
	call.Stage, call.VersionNumber = q.Get("stage"), q.Get("versionNumber")
	s.mu.Lock()
	defer s.mu.Unlock()
	status, body := s.answer(call, match)
	call.Status = status
	s.calls = append(s.calls, call)
	if status != http.StatusOK {
		WriteError(w, status, body["code"].(string), body["message"].(string))
		return
	}
	writeJSON(w, s.ids.next(), body)
}

// answer decides the response; s.mu is held.
func (s *Secrets) answer(call Call, match func(*Secret) bool) (int, map[string]any) {
	fail := func(status int, code, msg string) (int, map[string]any) {
		return status, map[string]any{"code": code, "message": msg}
	}
	i := slices.IndexFunc(s.secrets, match)
	if i < 0 || (len(s.secrets[i].Readers) > 0 && !slices.Contains(s.secrets[i].Readers, call.KeyID)) {
		return fail(http.StatusNotFound, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")
	}
	sec := s.secrets[i]
	if sec.FailStatus != 0 && (sec.FailTimes == 0 || sec.failed < sec.FailTimes) {
		sec.failed++
		return fail(sec.FailStatus, failCode(sec.FailStatus), "injected failure")
	}
	v, status, msg := sec.pick(call.Stage, call.VersionNumber)
	if status != http.StatusOK {
		code := "NotAuthorizedOrNotFound"
		if status == http.StatusBadRequest {
			code = "InvalidParameter"
		}
		return fail(status, code, msg)
	}
	return http.StatusOK, bundle(sec, v)
}
