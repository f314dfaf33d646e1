package kubeletproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// The kubelet's credential-provider API group and the versions regcred
// answers. The response always carries the request's version.
const (
	Group              = "credentialprovider.kubelet.k8s.io"
	V1                 = Group + "/v1"
	V1beta1            = Group + "/v1beta1"
	V1alpha1           = Group + "/v1alpha1"
	RequestKind        = "CredentialProviderRequest"
	ResponseKind       = "CredentialProviderResponse"
	fieldSAToken       = "serviceAccountToken"
	fieldSAAnnotations = "serviceAccountAnnotations"
)

// maxRequestSize bounds stdin. A request is an image (≤ 4 KiB), a
// bound service-account token (a few KiB) and the annotations the kubelet
// was told to pass; the API server caps all of an object's annotations at
// 256 KiB, so 1 MiB never refuses a real request.
const maxRequestSize = 1 << 20

// ErrRequest marks a CredentialProviderRequest regcred cannot read.
var ErrRequest = errors.New("invalid CredentialProviderRequest")

// Request is a decoded CredentialProviderRequest.
type Request struct {
	APIVersion string
	// image is what the kubelet sent: the image name without tag or digest,
	// as the kubelet will match the answer's keys against it.
	Image  string
	Target matcher.Target
	// token and annotations are set only in service-account mode (v1).
	Token       providers.Secret
	Annotations map[string]string
}

// serviceAccount is the pod identity handed to the backends, or nil when
// the kubelet sent no token: annotations without a token identify nobody.
func (r Request) ServiceAccount() *providers.ServiceAccount {
	if r.Token == "" {
		return nil
	}
	return &providers.ServiceAccount{Token: r.Token, Annotations: maps.Clone(r.Annotations)}
}

// versionFields lists the fields each version defines. The kubelet decodes
// strictly, and so does regcred: a field it does not know is an error, not
// something to ignore, so a newer protocol never half works.
func versionFields(apiVersion string) []string {
	base := []string{"kind", "apiVersion", "image"}
	if apiVersion == V1 {
		return append(base, fieldSAToken, fieldSAAnnotations)
	}
	return base
}

// ReadRequest reads and checks the request on r.
func ReadRequest(r io.Reader) (Request, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRequestSize+1))
	if err != nil {
		return Request{}, fmt.Errorf("reading stdin: %w", err)
	}
	if len(data) > maxRequestSize {
		return Request{}, fmt.Errorf("%w: stdin is longer than %d bytes", ErrRequest, maxRequestSize)
	}
	req, err := decodeRequest(data)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %w", ErrRequest, err)
	}
	return req, nil
}

func decodeRequest(data []byte) (Request, error) {
	fields, err := jsonObjectFields(data)
	if err != nil {
		return Request{}, err
	}
	var req Request
	if req.APIVersion, err = requiredString(fields, "apiVersion"); err != nil {
		return Request{}, err
	}
	switch req.APIVersion {
	case V1, V1beta1, V1alpha1:
	default:
		return Request{}, fmt.Errorf("apiVersion %q is not supported; expected %s, %s or %s", cli.Truncate(req.APIVersion, 64), V1, V1beta1, V1alpha1)
	}
	if err := checkFields(fields, req.APIVersion); err != nil {
		return Request{}, err
	}
	kind, err := requiredString(fields, "kind")
	if err != nil {
		return Request{}, err
	}
	if kind != RequestKind {
		return Request{}, fmt.Errorf("kind %q: expected %s", cli.Truncate(kind, 64), RequestKind)
	}
	if req.Image, err = requiredString(fields, "image"); err != nil {
		return Request{}, err
	}
	if req.Target, err = matcher.Normalize(req.Image); err != nil {
		return Request{}, fmt.Errorf("image: %w", err)
	}
	return req, req.readServiceAccount(fields)
}

// readServiceAccount reads the token and the annotations as strictly as the
// rest: the kubelet omits both outside service-account mode (omitempty) and
// sends annotations only with a token, so an empty token, annotations
// without one, and an annotation key given twice (which value counts would
// be a guess, and the value may name the identity to log in as) are errors.
func (r *Request) readServiceAccount(fields map[string]json.RawMessage) error {
	if raw, ok := fields[fieldSAToken]; ok {
		var token string
		if err := json.Unmarshal(raw, &token); err != nil || bytes.Equal(raw, []byte("null")) {
			// The value is never quoted: it is a credential.
			return fmt.Errorf("%s: expected a string", fieldSAToken)
		}
		if strings.TrimSpace(token) == "" {
			return fmt.Errorf("%s is empty (the kubelet omits the field when it passes no token)", fieldSAToken)
		}
		r.Token = providers.Secret(token)
	}
	raw, ok := fields[fieldSAAnnotations]
	if !ok {
		return nil
	}
	if r.Token == "" {
		return fmt.Errorf("%s without %s: annotations identify nobody without the pod's token, and the kubelet sends them only with one", fieldSAAnnotations, fieldSAToken)
	}
	annotations, err := readAnnotations(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", fieldSAAnnotations, err)
	}
	r.Annotations = annotations
	return nil
}

// readAnnotations decodes an object of strings, refusing a key given twice.
func readAnnotations(raw json.RawMessage) (map[string]string, error) {
	members, err := jsonObjectFields(raw)
	if err != nil {
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			return nil, errors.New("expected an object of strings")
		}
		return nil, err
	}
	out := make(map[string]string, len(members))
	for _, key := range slices.Sorted(maps.Keys(members)) {
		var v string
		if err := json.Unmarshal(members[key], &v); err != nil || bytes.Equal(members[key], []byte("null")) {
			return nil, fmt.Errorf("expected an object of strings (annotation %q)", cli.Truncate(key, 64))
		}
		out[key] = v
	}
	return out, nil
}

func checkFields(fields map[string]json.RawMessage, apiVersion string) error {
	known := versionFields(apiVersion)
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if slices.Contains(known, name) {
			continue
		}
		if slices.Contains(versionFields(V1), name) {
			return fmt.Errorf("field %q is not part of %s (service-account tokens need %s)", name, apiVersion, V1)
		}
		return fmt.Errorf("unknown field %q (%s has %s)", cli.Truncate(name, 64), apiVersion, strings.Join(known, ", "))
	}
	return nil
}

func requiredString(fields map[string]json.RawMessage, name string) (string, error) {
	raw, ok := fields[name]
	if !ok {
		return "", fmt.Errorf("field %q is missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || bytes.Equal(raw, []byte("null")) {
		return "", fmt.Errorf("field %q: expected a string", name)
	}
	if s == "" {
		return "", fmt.Errorf("field %q is empty", name)
	}
	return s, nil
}

// jsonObjectFields splits one JSON object into its members, refusing what
// encoding/json would let through: duplicate names (which one would win is
// a guess), and anything after the object.
func jsonObjectFields(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %s", dockerproto.DescribeJSONError(err))
	}
	if tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	fields := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, inObjectError(err)
		}
		name, _ := tok.(string) // inside an object the decoder yields names only
		if _, dup := fields[name]; dup {
			return nil, fmt.Errorf("field %q appears twice", cli.Truncate(name, 64))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, inObjectError(err)
		}
		fields[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, inObjectError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON object")
	}
	return fields, nil
}

// inObjectError describes a decoding error inside the object, where the end
// of the input means it was cut short, not that it was empty.
func inObjectError(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("not JSON: %s", dockerproto.DescribeJSONError(err))
}
