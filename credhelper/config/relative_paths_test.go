package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// pathTags are the settings, besides every "…File" one, that name a file
// to read. gcloudPath is not among them: it is an executable, found on
// PATH when bare, as a shell would.
var pathTags = map[string]bool{"caCert": true, "caPath": true, "clientCert": true, "clientKey": true, "dockerConfig": true, "file": true}

func isPathTag(tag string) bool { return strings.HasSuffix(tag, "File") || pathTags[tag] }

// TestEveryFileSettingIsReadFromTheConfigsDirectory sets every file
// setting of every kind (nested blocks such as idToken included) to a
// relative path and asks the kind to resolve it: each must end up under
// the config's directory, as docs/config.md promises, or a file next to
// the config would be looked for wherever the client happens to run.
func TestEveryFileSettingIsReadFromTheConfigsDirectory(t *testing.T) {
	const dir = "/etc/regcred"
	for _, k := range Kinds() {
		t.Run(k.Name(), func(t *testing.T) {
			settings := k.NewSettings()
			fields := setPaths(reflect.ValueOf(settings).Elem(), k.Name())
			if len(fields) == 0 {
				return
			}
			r, ok := settings.(providers.RelativePaths)
			require.True(t, ok, "%s names files (%v) but does not implement providers.RelativePaths", k.Name(), fields)
			r.ResolvePaths(dir)
			got := readPaths(reflect.ValueOf(settings).Elem(), k.Name())
			for field, rel := range fields {
				assert.Equal(t, providers.ResolvePath(dir, rel), got[field], "%s is not read from the config's directory", field)
			}
		})
	}
}

// setPaths sets every file setting under v to a relative path of its own
// and returns them by dotted name.
func setPaths(v reflect.Value, prefix string) map[string]string {
	out := map[string]string{}
	walkSettings(v, prefix, func(name string, f reflect.Value) {
		rel := "rel/" + strings.ReplaceAll(name, ".", "-")
		f.SetString(rel)
		out[name] = rel
	})
	return out
}

func readPaths(v reflect.Value, prefix string) map[string]string {
	out := map[string]string{}
	walkSettings(v, prefix, func(name string, f reflect.Value) { out[name] = f.String() })
	return out
}

// walkSettings calls fn for each string field of a file setting under v,
// allocating nil nested blocks so theirs are seen too.
func walkSettings(v reflect.Value, prefix string, fn func(string, reflect.Value)) {
	for i := range v.NumField() {
		sf, f := v.Type().Field(i), v.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		name := prefix + "." + tag
		switch {
		case f.Kind() == reflect.String && isPathTag(tag):
			fn(name, f)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			if f.IsNil() {
				f.Set(reflect.New(f.Type().Elem()))
			}
			walkSettings(f.Elem(), name, fn)
		case f.Kind() == reflect.Struct:
			walkSettings(f, name, fn)
		}
	}
}
