package route

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/matcher"
)

// Route keys in these tests: any cache.Key will do.
var (
	k1 = cache.Key("k1")
	k2 = cache.Key("k2")
)

func target(t *testing.T, s string) matcher.Target {
	t.Helper()
	tg, err := matcher.Normalize(s)
	must(t, err)
	return tg
}

func openRoot(t *testing.T, dir string) *cache.Root {
	t.Helper()
	r, err := cache.OpenRoot(dir)
	must(t, err)
	return r
}

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tok := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(tok, []byte("jwt"), 0o600))
	tg := target(t, "reg.example.com/team/app")
	want := Route{Store: "auto", TokenDir: "/c", TokenKey: "abc", Files: []string{tok}, FilesSum: SumFiles([]string{tok}), LoginDir: "/l"}
	must(t, Write(root, k1, tg, want, time.Now()))
	got, err := Read(root, k1, tg)
	must(t, err)
	want.Key, want.Request = k1, tg.String()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %+v, want %+v", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, subdir, k1+".route"))
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("route file mode %v", fi.Mode())
	}
	if _, err := Read(root, k2, tg); err == nil {
		t.Error("a missing route was read")
	}
}

// TestReadRefusesAnotherRequestsRoute: a route copied or renamed to
// another key's name, or read for another request, answers nothing.
func TestReadRefusesAnotherRequestsRoute(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	ecr, evil := target(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com"), target(t, "evil.example.com")
	must(t, Write(root, k1, ecr, Route{Store: "file", TokenDir: dir, TokenKey: "abc"}, time.Now()))
	data, err := os.ReadFile(filepath.Join(dir, subdir, k1+".route"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, subdir, k2+".route"), data, 0o600))
	if rt, err := Read(root, k2, evil); !errors.Is(err, ErrMismatch) {
		t.Errorf("the copy under another key: %+v, %v", rt, err)
	}
	if rt, err := Read(root, k2, ecr); !errors.Is(err, ErrMismatch) {
		t.Errorf("the copy under another key, same request: %+v, %v", rt, err)
	}
	if rt, err := Read(root, k1, evil); !errors.Is(err, ErrMismatch) {
		t.Errorf("the route read for another request: %+v, %v", rt, err)
	}
	if _, err := Read(root, k1, ecr); err != nil {
		t.Errorf("the route itself: %v", err)
	}
}

// TestReadRefusesWhatIsNotOurs: a route file another user could have
// written, or a symlink, is not trusted.
func TestReadRefusesWhatIsNotOurs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "reg.example.com")
	must(t, Write(root, k1, tg, Route{NotFound: true}, time.Now()))
	p := filepath.Join(dir, subdir, k1+".route")
	tests := []struct {
		name   string
		mangle func(t *testing.T)
	}{
		{name: "group-writable", mangle: func(t *testing.T) { must(t, os.Chmod(p, 0o620)) }},
		{name: "a symlink", mangle: func(t *testing.T) {
			other := filepath.Join(t.TempDir(), "r.json")
			must(t, os.WriteFile(other, encode(Route{Key: k1, Request: tg.String(), NotFound: true}), 0o600))
			must(t, os.Remove(p))
			must(t, os.Symlink(other, p))
		}},
		{name: "not a route", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("{"), 0o600)) }},
		{name: "another version", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("regcred-route 1\nnotFound \"true\"\n"), 0o600)) }},
		{name: "an unquoted value", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte(header+"\nnotFound true\n"), 0o600)) }},
		{name: "an unknown field", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte(header+"\nextra \"x\"\n"), 0o600)) }},
		{name: "no key", mangle: func(t *testing.T) {
			must(t, os.WriteFile(p, []byte(header+"\nrequest "+strconv.Quote(tg.String())+"\nnotFound \"true\"\n"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, Write(root, k1, tg, Route{NotFound: true}, time.Now()))
			tt.mangle(t)
			if r, err := Read(root, k1, tg); err == nil {
				t.Errorf("read %+v", r)
			}
		})
	}
}

func TestSumFilesSeesAChange(t *testing.T) {
	f := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(f, []byte("one"), 0o600))
	before := SumFiles([]string{f})
	must(t, os.WriteFile(f, []byte("two"), 0o600))
	if SumFiles([]string{f}) == before {
		t.Error("a changed identity file sums the same")
	}
	if SumFiles(nil) != "" {
		t.Error("no files must sum to nothing")
	}
}

// TestWriteSweepsOldRoutes: routes unused for maxAge go; files the cache
// did not name as routes stay, however old.
func TestWriteSweepsOldRoutes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	root := openRoot(t, dir)
	tg := target(t, "reg.example.com")
	now := time.Now()
	oldKey, recent, fresh := cache.Key("old"), cache.Key("recent"), cache.Key("new")
	must(t, Write(root, oldKey, tg, Route{NotFound: true}, now))
	old := filepath.Join(dir, subdir, oldKey+".route")
	long := now.Add(-maxAge - time.Hour)
	must(t, os.Chtimes(old, now, long))
	var foreign []string
	for _, name := range []string{"notes.txt", "x.route", oldKey + ".json", ".tmp-zz"} {
		p := filepath.Join(dir, subdir, name)
		must(t, os.WriteFile(p, []byte("mine"), 0o600))
		must(t, os.Chtimes(p, now, long))
		foreign = append(foreign, p)
	}
	must(t, Write(root, recent, tg, Route{NotFound: true}, now))
	must(t, Write(root, fresh, tg, Route{NotFound: true}, now))
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an unused route outlived %s: %v", maxAge, err)
	}
	for _, k := range []string{recent, fresh} {
		if _, err := Read(root, k, tg); err != nil {
			t.Errorf("route %s: %v", k, err)
		}
	}
	for _, p := range foreign {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the sweep removed %s, which is not a route: %v", p, err)
		}
	}
}

// FuzzDecode: any bytes decode to a route or an error, never a panic, and
// what encode writes decodes back to the same route.
func FuzzDecode(f *testing.F) {
	f.Add(encode(Route{Store: "auto", TokenDir: "/c\nx", TokenKey: "k", Files: []string{"/a", "/b"}, FilesSum: "s", LoginDir: "/l"}))
	f.Add(encode(Route{NotFound: true}))
	f.Add([]byte("regcred-route 1\nfile \"\\x00\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decode(data)
		if err != nil {
			return
		}
		again, err := decode(encode(r))
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Errorf("round trip of %+v: %+v, %v", r, again, err)
		}
	})
}
