package front

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

const ecrHost = "123456789012.dkr.ecr.us-west-2.amazonaws.com"

// warmFront is a front whose config has an ECR entry and whose file cache
// holds a fresh token for ecrHost, put there the way the engine puts it.
func warmFront(tb testing.TB) (*Front, *bytes.Buffer) {
	tb.Helper()
	dir := tb.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	text := "cache: {store: file, dir: " + filepath.Join(dir, "cache") + "}\nregistries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {region: us-west-2}\n"
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	env := map[string]string{"REGCRED_CONFIG": cfgPath, "HOME": dir, "AWS_PROFILE": "dev"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := config.LoadConfig("", config.Env{LookupEnv: lookup, HomeDir: dir}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	t, _ := matcher.Normalize(ecrHost)
	e := cfg.Entries()[0]
	c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: cfg.Cache.Dir, TTL: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	_, _, err = c.Credential(context.Background(), cache.Item{Key: e.CacheKey(t, nil, lookup), Registry: t.Registry(), Source: e.String()},
		func(context.Context) (providers.Credential, error) {
			return providers.Credential{Username: "AWS", Secret: "tok", ExpiresAt: time.Now().Add(12 * time.Hour)}, nil
		})
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	return &Front{Stdout: &out, LookupEnv: lookup, HomeDir: dir, Now: time.Now, GOOS: runtime.GOOS}, &out
}

func BenchmarkWarmGet(b *testing.B) {
	f, out := warmFront(b)
	for b.Loop() {
		out.Reset()
		f.Stdin = strings.NewReader(ecrHost)
		if a := f.Run(context.Background(), []string{"get"}); !a.Handled || a.Code != 0 {
			b.Fatalf("not answered: %+v %s", a, out)
		}
	}
}
