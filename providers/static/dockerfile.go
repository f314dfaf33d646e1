package static

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// authEntry is one value of config.json's "auths", or of a .dockercfg.
type authEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
}

// dockerFile is what a docker config file holds for us.
type dockerFile struct {
	entries map[string]authEntry
	// credsStore and credHelpers name the helpers docker asks before the
	// file's own entries (fromHelper).
	credsStore  string
	credHelpers map[string]string
}

// secretManifest is the part of a Kubernetes Secret we read.
type secretManifest struct {
	Kind       string            `json:"kind" yaml:"kind"`
	Type       string            `json:"type" yaml:"type"`
	Data       map[string]string `json:"data" yaml:"data"`
	StringData map[string]string `json:"stringData" yaml:"stringData"`
}

// secretKeys are the Secret keys of the two docker config formats.
var secretKeys = [...]string{".dockerconfigjson", ".dockercfg"}

// parseDockerFile reads any of the accepted formats. Its errors describe
// the structure only: the caller adds the file name, and no error quotes
// content, which is mostly secret.
func parseDockerFile(data []byte) (dockerFile, error) {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return dockerFile{}, errors.New("the file is empty")
	}
	if data[0] == '{' {
		return parseJSONFile(data, true)
	}
	var m secretManifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		return dockerFile{}, fmt.Errorf("neither JSON nor a YAML Kubernetes Secret%s", yamlLine(err))
	}
	if m.Kind != "Secret" {
		return dockerFile{}, errors.New("neither JSON nor a YAML Kubernetes Secret (no \"kind: Secret\")")
	}
	return secretPayload(m)
}

// parseJSONFile reads config.json, .dockercfg, or (when allowSecret) a
// Secret manifest in JSON.
func parseJSONFile(data []byte, allowSecret bool) (dockerFile, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return dockerFile{}, jsonError(err)
	}
	if allowSecret && jsonString(top["kind"]) == "Secret" {
		var m secretManifest
		if err := json.Unmarshal(data, &m); err != nil {
			return dockerFile{}, jsonError(err)
		}
		return secretPayload(m)
	}
	var df dockerFile
	df.credsStore, df.credHelpers = helperNames(top)
	if raw, ok := top["auths"]; ok {
		if err := json.Unmarshal(raw, &df.entries); err != nil {
			return dockerFile{}, errors.New(`"auths" must map registries to objects of auth fields`)
		}
		return df, nil
	}
	return legacyEntries(top, df)
}

// legacyEntries reads a .dockercfg: registries at the top level. Values
// that are not objects with credentials (a config.json's "credsStore",
// "proxies" …) are not registries and are left out.
func legacyEntries(top map[string]json.RawMessage, df dockerFile) (dockerFile, error) {
	df.entries = make(map[string]authEntry)
	for key, raw := range top {
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var e authEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return dockerFile{}, fmt.Errorf("entry %s must be an object of auth fields", quoteShort(key))
		}
		if e != (authEntry{}) {
			df.entries[key] = e
		}
	}
	return df, nil
}

// secretPayload extracts the docker config a Secret carries. stringData
// wins over data, as it does when the API server writes the Secret.
func secretPayload(m secretManifest) (dockerFile, error) {
	for _, key := range secretKeys {
		content, inString := m.StringData[key]
		if !inString {
			enc, inData := m.Data[key]
			if !inData {
				continue
			}
			dec, err := decodeBase64(enc)
			if err != nil {
				return dockerFile{}, fmt.Errorf("the Secret's data[%s] is not base64", strconv.Quote(key))
			}
			content = string(dec)
		}
		df, err := parseJSONFile(bytes.TrimSpace([]byte(content)), false)
		if err != nil {
			return dockerFile{}, fmt.Errorf("the Secret's %s: %w", strconv.Quote(key), err)
		}
		return df, nil
	}
	return dockerFile{}, fmt.Errorf("the Secret (type %s) has no %s or %s in data or stringData", quoteShort(m.Type), secretKeys[0], secretKeys[1])
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

// yamlLine keeps the line number of a YAML error and drops the rest,
// which quotes the offending text.
func yamlLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, _, ok := strings.Cut(rest, ":"); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return " (YAML error at line " + n + ")"
			}
		}
	}
	return ""
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

// quoteShort quotes a non-secret value, cut so a garbage file cannot
// flood an error.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}
