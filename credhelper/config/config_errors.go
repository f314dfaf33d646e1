package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// describeYAMLError turns the YAML library's messages into ones that name the
// file and line and say what was expected, instead of Go type names.
func describeYAMLError(path string, err error) string {
	var te *yaml.TypeError
	known := knownKeys()
	if !errors.As(err, &te) {
		return describeTypeError(path, strings.TrimPrefix(err.Error(), "yaml: "), known)
	}
	out := make([]string, len(te.Errors))
	for i, msg := range te.Errors {
		out[i] = describeTypeError(path, msg, known)
	}
	return strings.Join(out, "\n  ")
}

// describeTypeError rewrites one "line N: …" message of yaml.TypeError.
func describeTypeError(path, msg string, known map[string][]string) string {
	line, rest, ok := strings.Cut(strings.TrimPrefix(msg, "line "), ": ")
	if !ok {
		return path + ": " + hideKeys(hideValue(msg))
	}
	where := path + ":" + line
	rest = hideKeys(hideValue(rest))
	if field, typ, ok := strings.Cut(strings.TrimPrefix(rest, "field "), " not found in type "); ok && strings.HasPrefix(rest, "field ") {
		if keys, ok := known[typ]; ok {
			return fmt.Sprintf("%s: unknown key %s (expected one of: %s)", where, showKey(field), strings.Join(keys, ", "))
		}
		return fmt.Sprintf("%s: unknown key %s", where, showKey(field))
	}
	return where + ": " + rest
}

// knownKeys maps each config struct's Go type name to its YAML keys; an
// entry's keys are its own and the kinds'.
func knownKeys() map[string][]string {
	m := map[string][]string{}
	ks := Kinds()
	roots := []reflect.Type{reflect.TypeFor[Config]()}
	for _, k := range ks {
		roots = append(roots, k.ConfigType())
	}
	for _, t := range roots {
		collectKeys(t, m)
	}
	m[entryTypeName] = newEntryShape(ks).keys()
	return m
}

func collectKeys(t reflect.Type, m map[string][]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || m[t.String()] != nil {
		return
	}
	m[t.String()] = []string{}
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
		collectKeys(f.Type, m)
	}
	m[t.String()] = keys
}
