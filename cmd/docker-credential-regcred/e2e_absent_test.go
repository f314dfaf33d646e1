package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// absentEnv is a machine with no cloud identity whose metadata addresses
// are black holes, with the file cache on, in one fixed home.
func absentEnv(t *testing.T, aws, google *testkit.BlackHole, config string) (env []string, home string) {
	t.Helper()
	home = t.TempDir()
	dir := filepath.Join(home, "cache")
	cfg := writeConfig(t, "cache: {store: file, dir: \""+dir+"\"}\n"+config)
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"AWS_EC2_METADATA_DISABLED=false",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + aws.Addr(),
		"GCE_METADATA_HOST=" + google.Addr(),
		"REGCRED_CONFIG=" + cfg,
		"REGCRED_CACHE=",
	}, home
}

// TestAbsentIdentityProbedOncePerTTL: off the cloud, the metadata probe is
// paid by the first get only; the next get skips the entry without network
// and the built-in public fallback (anonymous) answers. A changed identity
// input (a new AWS config file) or `cache clear` ends the remembered
// absence.
func TestAbsentIdentityProbedOncePerTTL(t *testing.T) {
	tests := []struct {
		name    string
		request string
		hole    func(aws, google *testkit.BlackHole) *testkit.BlackHole
		// change is an identity input changed in home: the next get probes.
		change func(t *testing.T, home string)
	}{
		{name: "AWS, ECR Public", request: "public.ecr.aws",
			hole: func(aws, _ *testkit.BlackHole) *testkit.BlackHole { return aws },
			change: func(t *testing.T, home string) {
				require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700))
				require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[default]\nregion = eu-west-1\n"), 0o600))
			}},
		{name: "Google, gcr.io", request: "gcr.io",
			hole: func(_, google *testkit.BlackHole) *testkit.BlackHole { return google },
			change: func(t *testing.T, home string) {
				require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700)) // not Google's: no effect
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aws, google := testkit.NewBlackHole(t), testkit.NewBlackHole(t)
			hole := tt.hole(aws, google)
			env, home := absentEnv(t, aws, google, "registries: []\n")
			bin := testBinary(t)
			get := func() runResult {
				t.Helper()
				return runBinary(t, bin, runOpts{Env: append(env, "REGCRED_LOG=debug"), Stdin: tt.request}, "get")
			}
			first := get()
			probes := hole.Conns()
			require.Positive(t, probes, "the first get did not probe the metadata address:\n%s", first.Stderr)
			second := get()
			assert.Equal(t, probes, hole.Conns(), "the second get probed again:\n%s", second.Stderr)
			assert.Equal(t, first.Exit, second.Exit, "outcome changed")
			assert.Equal(t, first.Stdout, second.Stdout, "outcome changed")
			assert.Contains(t, second.Stderr, "identity remembered as absent")

			if tt.name == "AWS, ECR Public" {
				tt.change(t, home)
				get()
				assert.Greater(t, hole.Conns(), probes, "a changed identity input did not end the remembered absence")
				probes = hole.Conns()
			}
			clear := runBinary(t, bin, runOpts{Env: env}, "cache", "clear")
			require.Equal(t, 0, clear.Exit, "cache clear: %s%s", clear.Stdout, clear.Stderr)
			get()
			assert.Greater(t, hole.Conns(), probes, "cache clear did not forget the remembered absence")
		})
	}
}

// TestAbsentIdentityConfiguredEntryFails: a configured entry whose identity
// is absent fails with its own message, from the remembered outcome, and
// `check` says until when it is remembered.
func TestAbsentIdentityConfiguredEntryFails(t *testing.T) {
	aws, google := testkit.NewBlackHole(t), testkit.NewBlackHole(t)
	env, _ := absentEnv(t, aws, google, `registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {}
`)
	bin := testBinary(t)
	first := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
	require.NotEqual(t, 0, first.Exit)
	probes := aws.Conns()
	require.Positive(t, probes)
	assert.Contains(t, first.Stdout+first.Stderr, "no AWS credentials found")
	second := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
	require.NotEqual(t, 0, second.Exit)
	assert.Equal(t, probes, aws.Conns(), "the remembered absence probed again")
	assert.Contains(t, second.Stdout+second.Stderr, "no AWS credentials found")
	assert.Contains(t, second.Stdout+second.Stderr, "remembered until")
	check := runBinary(t, bin, runOpts{Env: env}, "check", ecrHost)
	assert.True(t, strings.Contains(check.Stdout+check.Stderr, "remembered as absent"), "check:\n%s%s", check.Stdout, check.Stderr)
	assert.Equal(t, probes, aws.Conns(), "check probed again")
}
