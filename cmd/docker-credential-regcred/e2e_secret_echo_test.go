package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/configcanary"
)

// TestConfigErrorsNeverPrintASecret runs get and check through the binary
// on a config whose one bad setting holds a secret-looking canary, for
// every setting of every kind: both report the config problem, and the
// canary reaches neither stdout (which docker prints into CI logs) nor
// stderr.
func TestConfigErrorsNeverPrintASecret(t *testing.T) {
	bin := testBinary(t)
	for _, tc := range configcanary.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			env := []string{"REGCRED_CONFIG=" + writeConfig(t, tc.Config()), "REGCRED_LOG=debug"}
			for _, run := range []struct {
				verb, stdin string
			}{{verb: "get", stdin: "reg.example.com"}, {verb: "check"}} {
				res := runBinary(t, bin, runOpts{Env: env, Stdin: run.stdin}, run.verb)
				out := res.Stdout + res.Stderr
				assert.Equal(t, 1, res.Exit, "%s: exit %d, want 1 and a problem saying %q:\n%s", run.verb, res.Exit, tc.Want, out)
				assert.Contains(t, out, tc.Want, "%s: exit %d, want 1 and a problem saying %q", run.verb, res.Exit, tc.Want)
				assert.False(t, configcanary.Leaks(out), "%s printed the canary:\nstdout:\n%s\nstderr:\n%s", run.verb, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestCredentialTimeErrorsNeverPrintASecret: values that pass validation
// but are secrets typed in the wrong place (a token shaped like a variable
// name, a relative "path", user info or a token in VAULT_ADDR, a bad
// VAULT_NAMESPACE or GCE_METADATA_HOST) make get and check fail without
// printing them; real names (an upper-case variable, an absolute path) are
// still shown.
func TestCredentialTimeErrorsNeverPrintASecret(t *testing.T) {
	const canary = "ghp_S3cr3tT0kenXyz"
	tests := []struct {
		name, config, request, want string
		env                         []string
	}{
		{name: "token as passwordEnv", config: "static: {username: u, passwordEnv: " + canary + "}", want: "password variable (not shown"},
		{name: "token as passwordFile", config: "static: {username: u, passwordFile: " + canary + "}", want: "password file (a file named relative to"},
		{name: "token as dockerConfig", config: "static: {dockerConfig: " + canary + "}", want: "docker config (a file named relative to"},
		{name: "token as vault secretIdFile", config: "vault: {address: \"http://127.0.0.1:1\", path: s/x, auth: {method: approle, roleId: r, secretIdFile: " + canary + "}}", want: "auth.secretIdFile (a file named relative to"},
		{name: "token as vault tokenFile", config: "vault: {address: \"http://127.0.0.1:1\", path: s/x, auth: {tokenFile: " + canary + "}}", want: "(a file named relative to"},
		{name: "user info in VAULT_ADDR", config: "vault: {path: s/x}", env: []string{"VAULT_ADDR=https://u:" + canary + "@vault.example.com", "VAULT_TOKEN=t"}, want: "VAULT_ADDR: must not hold a user name or password"},
		{name: "token in VAULT_ADDR's query", config: "vault: {path: s/x}", env: []string{"VAULT_ADDR=https://vault.example.com/?token=" + canary, "VAULT_TOKEN=t"}, want: "VAULT_ADDR: must not have a query"},
		{name: "VAULT_ADDR not a URL", config: "vault: {path: s/x}", env: []string{"VAULT_ADDR=https://u:" + canary + "%zz@vault", "VAULT_TOKEN=t"}, want: "VAULT_ADDR: is not a URL"},
		{name: "bad VAULT_NAMESPACE", config: "vault: {address: \"http://127.0.0.1:1\", path: s/x}", env: []string{"VAULT_NAMESPACE=" + canary + "/../x", "VAULT_TOKEN=t"}, want: "VAULT_NAMESPACE must not contain"},
		{name: "user info in GCE_METADATA_HOST", config: "gcr: {}", request: "gcr.io", env: []string{"GCE_METADATA_HOST=u:" + canary + "@metadata"}, want: "GCE_METADATA_HOST is not host[:port]"},
		{name: "token as cache.dir", config: "vault: {address: \"http://127.0.0.1:1\", path: s/x}\ncache: {store: file, dir: " + canary + "}", env: []string{"VAULT_TOKEN=t"}, want: "cache dir is not an absolute path"},
		{name: "upper-case variable is named", config: "static: {username: u, passwordEnv: REG_PW_UNSET}", want: "REG_PW_UNSET is not set"},
	}
	bin := testBinary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			request := tt.request
			if request == "" {
				request = "reg.example.com"
			}
			cfg := writeConfig(t, "defaults: false\nregistries:\n  - match: "+request+"\n    "+tt.config+"\n")
			env := append([]string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"}, tt.env...)
			for _, args := range [][]string{{"get"}, {"check", request}} {
				res := runBinary(t, bin, runOpts{Env: env, Stdin: request}, args...)
				out := res.Stdout + res.Stderr
				assert.Equal(t, 1, res.Exit, "%v: exit %d, want 1 and an error saying %q:\n%s", args, res.Exit, tt.want, out)
				assert.Contains(t, out, tt.want, "%v: exit %d, want 1 and an error saying %q", args, res.Exit, tt.want)
				assert.NotContains(t, strings.ToLower(out), strings.ToLower(canary), "%v printed the canary:\nstdout:\n%s\nstderr:\n%s", args, res.Stdout, res.Stderr)
			}
		})
	}
}
