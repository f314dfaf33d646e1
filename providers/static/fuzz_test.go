package static

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/static/staticread"
)

// dockerFileForms are the accepted formats with the secret in every place
// a secret goes; %[1]s is the secret JSON-escaped, %[2]s base64(user:secret),
// %[3]s base64 of a whole config.json.
var dockerFileForms = []string{
	`{"auths":{"reg.io":{"auth":"%[2]s"}}}`,
	`{"auths":{"reg.io":{"username":"u","password":%[1]s}},"credsStore":"desktop"}`,
	`{"auths":{"reg.io":{"identitytoken":%[1]s}}}`,
	`{"reg.io":{"auth":"%[2]s","email":"e"}}`,
	"kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: %[3]s\n",
	"{\"kind\":\"Secret\",\"stringData\":{\".dockerconfigjson\":%[4]s}}",
}

// FuzzParseDockerFile builds each format around a fuzzed secret, cuts it at
// a fuzzed byte and flips one, then checks: no panic; no error, and no
// entry error, quotes the secret or its base64; a file read whole answers
// exactly the secret.
func FuzzParseDockerFile(f *testing.F) {
	for i := range dockerFileForms {
		f.Add(uint8(i), "p4ssw0rd-fuzz", uint16(0xffff), uint16(0), byte(0))
		f.Add(uint8(i), "sec:ret\"\\\n", uint16(30), uint16(12), byte('{'))
	}
	f.Fuzz(func(t *testing.T, form uint8, secret string, cut, at uint16, flip byte) {
		// JSON carries only valid UTF-8; anything else is a different secret.
		if len(secret) < 6 || !utf8.ValidString(secret) {
			return
		}
		data := renderDockerFile(int(form)%len(dockerFileForms), secret)
		whole := int(cut) >= len(data) && flip == 0
		if !whole {
			data = data[:min(int(cut), len(data))]
			if len(data) > 0 && flip != 0 {
				b := []byte(data)
				b[int(at)%len(b)] ^= flip
				data = string(b)
			}
		}
		leaks := leakForms(secret)
		skeleton := dockerFileForms[int(form)%len(dockerFileForms)] + " u: reg.io Secret"
		df, err := parseDockerFile([]byte(data))
		if err != nil {
			checkNoLeak(t, skeleton, err.Error(), leaks)
			require.False(t, whole, "form %d with secret %q: %v", form, secret, err)
			return
		}
		for key, e := range df.Entries {
			cred, ok, err := staticread.EntryCredential(e)
			if err != nil {
				checkNoLeak(t, skeleton, err.Error(), leaks)
				continue
			}
			if ok {
				require.NotEmpty(t, cred.Secret, "entry %q: ok with an empty secret", key)
			}
			if whole && key == "reg.io" {
				require.True(t, ok, "form %d: entry answers nothing; want the secret", form)
				require.Equal(t, secret, cred.Secret.Reveal(), "form %d: entry answers another secret", form)
			}
		}
	})
}

func renderDockerFile(form int, secret string) string {
	js, _ := json.Marshal(secret)
	auth := base64.StdEncoding.EncodeToString([]byte("u:" + secret))
	inner := `{"auths":{"reg.io":{"auth":"` + auth + `"}}}`
	innerJS, _ := json.Marshal(inner)
	return strings.NewReplacer("%[1]s", string(js), "%[2]s", auth, "%[3]s", base64.StdEncoding.EncodeToString([]byte(inner)), "%[4]s", string(innerJS)).Replace(dockerFileForms[form])
}

// leakForms are the spellings of a secret an error must never hold.
func leakForms(secret string) []string {
	js, _ := json.Marshal(secret)
	return []string{secret, strings.Trim(string(js), `"`), base64.StdEncoding.EncodeToString([]byte("u:" + secret))}
}

func checkNoLeak(t *testing.T, skeleton, msg string, leaks []string) {
	t.Helper()
	for _, l := range leaks {
		// A secret that spells part of the file's structure ("auths") may
		// be named as that structure.
		if len(l) >= 6 && !strings.Contains(skeleton, l) {
			require.NotContains(t, msg, l, "the error quotes the secret")
		}
	}
}

// FuzzParseDockerFileRaw feeds any bytes: no panic; every entry read
// either answers a non-empty secret or says it holds none.
func FuzzParseDockerFileRaw(f *testing.F) {
	for i := range dockerFileForms {
		f.Add([]byte(renderDockerFile(i, "pw-seed-123")))
	}
	f.Add([]byte("kind: Secret\nstringData: {.dockercfg: '{\"r\":{\"auth\":\"!!\"}}'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := parseDockerFile(data)
		if err != nil {
			require.LessOrEqual(t, len(err.Error()), 400, "error length")
			return
		}
		for key, e := range df.Entries {
			cred, ok, err := staticread.EntryCredential(e)
			if err == nil && ok {
				require.NotEmpty(t, cred.Secret, "entry %q: ok with an empty secret", key)
			}
			if err != nil {
				require.False(t, quotes(err.Error(), e.Password) || quotes(err.Error(), e.Auth), "entry %q: error %q quotes its content", key, err)
			}
		}
	})
}

// quotes reports whether msg holds v, for values long enough not to be
// part of the message's own words.
func quotes(msg, v string) bool { return len(v) >= 8 && strings.Contains(msg, v) }
