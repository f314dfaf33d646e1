package route

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// Route keys in these tests: any cache.Key will do.
var (
	k1 = cache.Key("k1")
	k2 = cache.Key("k2")
)

func target(t *testing.T, s string) matcher.Target {
	t.Helper()
	tg, err := matcher.Normalize(s)
	require.NoError(t, err)
	return tg
}

func openRoot(t *testing.T, dir string) *cache.Root {
	t.Helper()
	r, err := cache.OpenRoot(dir)
	require.NoError(t, err)
	return r
}

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tok := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tok, []byte("jwt"), 0o600))
	tg := target(t, "reg.example.com/team/app")
	want := Route{Store: "auto", TokenDir: "/c", TokenKey: "abc", Files: []string{tok}, FilesSum: SumFiles([]string{tok}), LoginDir: "/l"}
	require.NoError(t, Write(root, k1, tg, want, time.Now()))
	got, err := Read(root, k1, tg)
	require.NoError(t, err)
	want.Key, want.Request = k1, tg.String()
	assert.Equal(t, want, got, "Read")
	fi, err := os.Stat(filepath.Join(dir, subdir, k1+".route"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "route file mode")
	_, err = Read(root, k2, tg)
	assert.Error(t, err, "a missing route was read")
}

// TestWriteReadFetch: a route that records a recipe (and the entry the
// token is stored for) reads back the same, a store of none included.
func TestWriteReadFetch(t *testing.T) {
	root := openRoot(t, filepath.Join(t.TempDir(), "cache"))
	tg := target(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
	want := Route{Store: "none", TokenKey: "abc", Source: `ecr "*.dkr.ecr.*.amazonaws.com"`, Fetch: providers.Recipe{
		Kind: providers.RecipeECR, URL: "https://api.ecr.eu-west-1.amazonaws.com/", Region: "eu-west-1",
		Proxy: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
	}}
	require.NoError(t, Write(root, k1, tg, want, time.Now()))
	got, err := Read(root, k1, tg)
	require.NoError(t, err)
	want.Key, want.Request = k1, tg.String()
	assert.Equal(t, want, got, "Read")
}

// TestWriteReadStatic: a static source's route names where the secret
// lives, and reads back the same.
func TestWriteReadStatic(t *testing.T) {
	root := openRoot(t, filepath.Join(t.TempDir(), "cache"))
	tg := target(t, "reg.example.com")
	tests := []struct {
		name string
		spec staticread.Spec
	}{
		{name: "inline username, password file", spec: staticread.Spec{Username: "robot", PasswordFile: "~/secrets/reg pw"}},
		{name: "both from variables", spec: staticread.Spec{UsernameEnv: "REG_USER", PasswordEnv: "REG_PW"}},
		{name: "username file, password variable", spec: staticread.Spec{UsernameFile: "/run/u", PasswordEnv: "REG_PW"}},
		{name: "docker config and key", spec: staticread.Spec{DockerConfig: "/etc/regcred/pull.json", DockerKey: "https://reg.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, Write(root, k1, tg, Route{Static: tt.spec, LoginDir: "/l"}, time.Now()))
			got, err := Read(root, k1, tg)
			require.NoError(t, err)
			assert.Equal(t, Route{Key: k1, Request: tg.String(), Static: tt.spec, LoginDir: "/l"}, got, "Read")
		})
	}
}

// TestWriteReadAbsent: a not-found route resting on remembered absences
// reads back each absence with its own identity files, in order.
func TestWriteReadAbsent(t *testing.T) {
	root := openRoot(t, filepath.Join(t.TempDir(), "cache"))
	tg := target(t, "public.ecr.aws/x")
	tests := []struct {
		name   string
		absent []Absence
	}{
		{name: "one, no files", absent: []Absence{{Key: "a1"}}},
		{name: "one, two files", absent: []Absence{{Key: "a1", Files: []string{"/h/.aws/config", "/h/.aws/credentials"}, FilesSum: "s1"}}},
		{name: "two, each its files", absent: []Absence{
			{Key: "a1", Files: []string{"/h/.aws/config"}, FilesSum: "s1"},
			{Key: "a2", Files: []string{"", "/h/.config/gcloud/adc.json"}, FilesSum: "s2"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Route{NotFound: true, Store: "file", TokenDir: "/c", Absent: tt.absent, AbsentTTL: 10 * time.Minute, LoginDir: "/l"}
			require.NoError(t, Write(root, k1, tg, want, time.Now()))
			got, err := Read(root, k1, tg)
			require.NoError(t, err)
			want.Key, want.Request = k1, tg.String()
			assert.Equal(t, want, got, "Read")
		})
	}
}

// TestReadRefusesMalformedAbsences: an absence's field with no absence
// before it, or a TTL that is not a duration, is no route.
func TestReadRefusesMalformedAbsences(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "gcr.io/x")
	head := header + "\nkey " + strconv.Quote(k1) + "\nrequest " + strconv.Quote(tg.String()) + "\nnotFound \"true\"\n"
	tests := []struct{ name, body string }{
		{name: "file before any absence", body: "absentFile \"/a\"\nabsent \"k\"\n"},
		{name: "sum before any absence", body: "absentFilesSum \"s\"\n"},
		{name: "TTL not a duration", body: "absentTTL \"ten minutes\"\nabsent \"k\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, subdir), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(dir, subdir, k1+".route"), []byte(head+tt.body), 0o600))
			r, err := Read(root, k1, tg)
			assert.Error(t, err, "read %+v", r)
		})
	}
}

// TestReadRefusesAnotherRequestsRoute: a route copied or renamed to
// another key's name, or read for another request, answers nothing.
func TestReadRefusesAnotherRequestsRoute(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	ecr, evil := target(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com"), target(t, "evil.example.com")
	require.NoError(t, Write(root, k1, ecr, Route{Store: "file", TokenDir: dir, TokenKey: "abc"}, time.Now()))
	data, err := os.ReadFile(filepath.Join(dir, subdir, k1+".route"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, subdir, k2+".route"), data, 0o600))
	rt, err := Read(root, k2, evil)
	assert.ErrorIs(t, err, ErrMismatch, "the copy under another key: %+v", rt)
	rt, err = Read(root, k2, ecr)
	assert.ErrorIs(t, err, ErrMismatch, "the copy under another key, same request: %+v", rt)
	rt, err = Read(root, k1, evil)
	assert.ErrorIs(t, err, ErrMismatch, "the route read for another request: %+v", rt)
	_, err = Read(root, k1, ecr)
	assert.NoError(t, err, "the route itself")
}

// TestReadRefusesWhatIsNotOurs: a route file another user could have
// written, or a symlink, is not trusted.
func TestReadRefusesWhatIsNotOurs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "reg.example.com")
	require.NoError(t, Write(root, k1, tg, Route{NotFound: true}, time.Now()))
	p := filepath.Join(dir, subdir, k1+".route")
	tests := []struct {
		name   string
		mangle func(t *testing.T)
	}{
		{name: "group-writable", mangle: func(t *testing.T) { require.NoError(t, os.Chmod(p, 0o620)) }},
		{name: "a symlink", mangle: func(t *testing.T) {
			other := filepath.Join(t.TempDir(), "r.json")
			require.NoError(t, os.WriteFile(other, encode(Route{Key: k1, Request: tg.String(), NotFound: true}), 0o600))
			require.NoError(t, os.Remove(p))
			require.NoError(t, os.Symlink(other, p))
		}},
		{name: "not a route", mangle: func(t *testing.T) { require.NoError(t, os.WriteFile(p, []byte("{"), 0o600)) }},
		{name: "another version", mangle: func(t *testing.T) {
			require.NoError(t, os.WriteFile(p, []byte("regcred-route 1\nnotFound \"true\"\n"), 0o600))
		}},
		{name: "an unquoted value", mangle: func(t *testing.T) { require.NoError(t, os.WriteFile(p, []byte(header+"\nnotFound true\n"), 0o600)) }},
		{name: "an unknown field", mangle: func(t *testing.T) { require.NoError(t, os.WriteFile(p, []byte(header+"\nextra \"x\"\n"), 0o600)) }},
		{name: "no key", mangle: func(t *testing.T) {
			require.NoError(t, os.WriteFile(p, []byte(header+"\nrequest "+strconv.Quote(tg.String())+"\nnotFound \"true\"\n"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, Write(root, k1, tg, Route{NotFound: true}, time.Now()))
			tt.mangle(t)
			r, err := Read(root, k1, tg)
			assert.Error(t, err, "read %+v", r)
		})
	}
}

func TestSumFilesSeesAChange(t *testing.T) {
	f := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(f, []byte("one"), 0o600))
	before := SumFiles([]string{f})
	require.NoError(t, os.WriteFile(f, []byte("two"), 0o600))
	assert.NotEqual(t, before, SumFiles([]string{f}), "a changed identity file sums the same")
	assert.Empty(t, SumFiles(nil), "no files must sum to nothing")
}

// TestWriteSweepsOldRoutes: routes unused for maxAge go; files the cache
// did not name as routes stay, however old.
func TestWriteSweepsOldRoutes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "reg.example.com")
	now := time.Now()
	oldKey, recent, fresh := cache.Key("old"), cache.Key("recent"), cache.Key("new")
	require.NoError(t, Write(root, oldKey, tg, Route{NotFound: true}, now))
	old := filepath.Join(dir, subdir, oldKey+".route")
	long := now.Add(-maxAge - time.Hour)
	require.NoError(t, os.Chtimes(old, now, long))
	var foreign []string
	for _, name := range []string{"notes.txt", "x.route", oldKey + ".json", ".tmp-zz"} {
		p := filepath.Join(dir, subdir, name)
		require.NoError(t, os.WriteFile(p, []byte("mine"), 0o600))
		require.NoError(t, os.Chtimes(p, now, long))
		foreign = append(foreign, p)
	}
	require.NoError(t, Write(root, recent, tg, Route{NotFound: true}, now))
	require.NoError(t, Write(root, fresh, tg, Route{NotFound: true}, now))
	_, err := os.Stat(old)
	assert.True(t, os.IsNotExist(err), "an unused route outlived %s: %v", maxAge, err)
	for _, k := range []string{recent, fresh} {
		_, err := Read(root, k, tg)
		assert.NoError(t, err, "route %s", k)
	}
	for _, p := range foreign {
		_, err := os.Stat(p)
		assert.NoError(t, err, "the sweep removed %s, which is not a route", p)
	}
}

// FuzzDecode: any bytes decode to a route or an error, never a panic, and
// what encode writes decodes back to the same route.
func FuzzDecode(f *testing.F) {
	f.Add(encode(Route{Store: "auto", TokenDir: "/c\nx", TokenKey: "k", Files: []string{"/a", "/b"}, FilesSum: "s", LoginDir: "/l"}))
	f.Add(encode(Route{NotFound: true}))
	f.Add(encode(Route{NotFound: true, Store: "auto", TokenDir: "/c", AbsentTTL: time.Minute,
		Absent: []Absence{{Key: "a", Files: []string{"/x", ""}, FilesSum: "s"}, {Key: "b"}}}))
	f.Add(encode(Route{Static: staticread.Spec{Username: "u", PasswordFile: "/p", DockerConfig: "/d", DockerKey: "k"}}))
	f.Add([]byte("regcred-route 1\nfile \"\\x00\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decode(data)
		if err != nil {
			return
		}
		again, err := decode(encode(r))
		assert.NoError(t, err, "round trip of %+v", r)
		assert.Equal(t, r, again, "round trip")
	})
}

// TestWriteLeavesAnIdenticalRouteAlone: the engine that answers the same
// way every run (store none, a fetch each time) rewrites nothing; a route
// that differs is written.
func TestWriteLeavesAnIdenticalRouteAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "reg.example.com")
	rt := Route{Store: "none", TokenKey: "abc", Source: "ecr"}
	require.NoError(t, Write(root, k1, tg, rt, time.Now()))
	path := filepath.Join(dir, subdir, k1+".route")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, old, old))

	require.NoError(t, Write(root, k1, tg, rt, time.Now()))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(old), "an identical route was rewritten")

	rt.TokenKey = "def"
	require.NoError(t, Write(root, k1, tg, rt, time.Now()))
	got, err := Read(root, k1, tg)
	require.NoError(t, err)
	assert.Equal(t, "def", got.TokenKey, "a changed route was not written")
}

// TestWriteKeepsNoRecipeFromACopiedRoute: the recipe a replaced route
// names is kept only when that route was made for this key and request:
// one copied over from another request's name (whose token key, store and
// entry match) lends nothing.
func TestWriteKeepsNoRecipeFromACopiedRoute(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg, other := target(t, "123456789012.dkr.ecr.us-west-2.amazonaws.com"), target(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
	withRecipe := Route{Store: "file", TokenKey: "abc", Source: "ecr", Fetch: providers.Recipe{
		Kind: providers.RecipeECR, URL: "https://api.ecr.eu-west-1.amazonaws.com/", Region: "eu-west-1", Proxy: "https://x"}}
	require.NoError(t, Write(root, k2, other, withRecipe, time.Now()))
	testkit.CopyFile(t, filepath.Join(dir, subdir, k2+".route"), filepath.Join(dir, subdir, k1+".route"), 0o600)

	require.NoError(t, Write(root, k1, tg, Route{Store: "file", TokenKey: "abc", Source: "ecr"}, time.Now()))
	got, err := Read(root, k1, tg)
	require.NoError(t, err)
	assert.True(t, got.Fetch.IsZero(), "kept the recipe of a route copied from %s: %+v", other, got.Fetch)

	require.NoError(t, Write(root, k2, other, Route{Store: "file", TokenKey: "abc", Source: "ecr"}, time.Now()))
	got, err = Read(root, k2, other)
	require.NoError(t, err)
	assert.Equal(t, withRecipe.Fetch, got.Fetch, "control: the route made for the key keeps its recipe")
}
