package staticread

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// AuthEntry is one value of config.json's "auths", or of a .dockercfg.
type AuthEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
}

// DockerFile is what a docker config file holds for us.
type DockerFile struct {
	Entries map[string]AuthEntry
	// CredsStore and CredHelpers name the helpers docker asks before the
	// file's own entries (HelperFor).
	CredsStore  string
	CredHelpers map[string]string
}

// SecretManifest is the part of a Kubernetes Secret we read, in JSON here
// and in YAML by the static backend (hence both tags; this package links
// no YAML parser).
type SecretManifest struct {
	Kind       string            `json:"kind" yaml:"kind"`
	Type       string            `json:"type" yaml:"type"`
	Data       map[string]string `json:"data" yaml:"data"`
	StringData map[string]string `json:"stringData" yaml:"stringData"`
}

// secretKeys are the Secret keys of the two docker config formats.
var secretKeys = [...]string{".dockerconfigjson", ".dockercfg"}

// ErrNotJSON: the file is not JSON (a YAML Secret manifest, or nothing
// docker reads), which the static backend parses further.
var ErrNotJSON = errors.New("not JSON")

// Trim drops a byte-order mark and surrounding whitespace, as every
// format's reader does first.
func Trim(data []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
}

// ParseJSON reads config.json, .dockercfg, or a Kubernetes Secret manifest
// in JSON. Its errors describe the structure only: the caller adds the
// file name, and no error quotes content, which is mostly secret.
func ParseJSON(data []byte) (DockerFile, error) {
	data = Trim(data)
	switch {
	case len(data) == 0:
		return DockerFile{}, errors.New("the file is empty")
	case data[0] != '{':
		return DockerFile{}, ErrNotJSON
	}
	return parseJSONFile(data, true)
}

// parseJSONFile reads config.json, .dockercfg, or (when allowSecret) a
// Secret manifest in JSON.
func parseJSONFile(data []byte, allowSecret bool) (DockerFile, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return DockerFile{}, jsonError(err)
	}
	if allowSecret && jsonString(top["kind"]) == "Secret" {
		var m SecretManifest
		if err := json.Unmarshal(data, &m); err != nil {
			return DockerFile{}, jsonError(err)
		}
		return SecretPayload(m)
	}
	var df DockerFile
	df.CredsStore, df.CredHelpers = helperNames(top)
	if raw, ok := top["auths"]; ok {
		if err := json.Unmarshal(raw, &df.Entries); err != nil {
			return DockerFile{}, errors.New(`"auths" must map registries to objects of auth fields`)
		}
		return df, nil
	}
	return legacyEntries(top, df)
}

// legacyEntries reads a .dockercfg: registries at the top level. Values
// that are not objects with credentials (a config.json's "credsStore",
// "proxies" …) are not registries and are left out.
func legacyEntries(top map[string]json.RawMessage, df DockerFile) (DockerFile, error) {
	df.Entries = make(map[string]AuthEntry)
	for key, raw := range top {
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var e AuthEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return DockerFile{}, fmt.Errorf("entry %s must be an object of auth fields", QuoteShort(key))
		}
		if e != (AuthEntry{}) {
			df.Entries[key] = e
		}
	}
	return df, nil
}

// SecretPayload extracts the docker config a Secret carries. stringData
// wins over data, as it does when the API server writes the Secret.
func SecretPayload(m SecretManifest) (DockerFile, error) {
	for _, key := range secretKeys {
		content, inString := m.StringData[key]
		if !inString {
			enc, inData := m.Data[key]
			if !inData {
				continue
			}
			dec, err := decodeBase64(enc)
			if err != nil {
				return DockerFile{}, fmt.Errorf("the Secret's data[%s] is not base64", strconv.Quote(key))
			}
			content = string(dec)
		}
		df, err := parseJSONFile(bytes.TrimSpace([]byte(content)), false)
		if err != nil {
			return DockerFile{}, fmt.Errorf("the Secret's %s: %w", strconv.Quote(key), err)
		}
		return df, nil
	}
	return DockerFile{}, fmt.Errorf("the Secret (type %s) has no %s or %s in data or stringData", QuoteShort(m.Type), secretKeys[0], secretKeys[1])
}

// helperNames reads credsStore and credHelpers from a config.json.
func helperNames(top map[string]json.RawMessage) (store string, helpers map[string]string) {
	store = jsonString(top["credsStore"])
	if raw, ok := top["credHelpers"]; ok {
		_ = json.Unmarshal(raw, &helpers) // not a map of strings: none docker could use
	}
	return store, helpers
}

// jsonString returns raw's value when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonError describes a decoding failure by position and type, never by
// content.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("not valid JSON (syntax error at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("%s is a JSON %s, not %s", fieldName(typ.Field), typ.Value, jsonKind(typ.Type.Kind()))
	default:
		return errors.New("not valid JSON")
	}
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	default:
		return "a " + k.String()
	}
}

func fieldName(f string) string {
	if f == "" {
		return "the top level"
	}
	return strconv.Quote(f)
}

// decodeBase64 accepts padded and unpadded standard base64, ignoring
// surrounding whitespace.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if dec, err := base64.StdEncoding.DecodeString(s); err == nil {
		return dec, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// QuoteShort quotes a non-secret value, cut so a garbage file cannot
// flood an error.
func QuoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}
