package route

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	tok := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(tok, []byte("jwt"), 0o600))
	want := Route{Store: "auto", TokenDir: "/c", TokenKey: "abc", Files: []string{tok}, FilesSum: SumFiles([]string{tok}), LoginDir: "/l"}
	must(t, Write(dir, "k1", want, time.Now()))
	got, err := Read(dir, "k1")
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %+v, want %+v", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, subdir, "k1.route"))
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("route file mode %v", fi.Mode())
	}
	if _, err := Read(dir, "k2"); err == nil {
		t.Error("a missing route was read")
	}
}

// TestReadRefusesWhatIsNotOurs: a route file another user could have
// written, or a symlink, is not trusted.
func TestReadRefusesWhatIsNotOurs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	must(t, Write(dir, "k", Route{NotFound: true}, time.Now()))
	p := filepath.Join(dir, subdir, "k.route")
	tests := []struct {
		name   string
		mangle func(t *testing.T)
	}{
		{name: "group-writable", mangle: func(t *testing.T) { must(t, os.Chmod(p, 0o620)) }},
		{name: "a symlink", mangle: func(t *testing.T) {
			other := filepath.Join(t.TempDir(), "r.json")
			must(t, os.WriteFile(other, encode(Route{NotFound: true}), 0o600))
			must(t, os.Remove(p))
			must(t, os.Symlink(other, p))
		}},
		{name: "not a route", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("{"), 0o600)) }},
		{name: "another version", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("regcred-route 2\nnotFound \"true\"\n"), 0o600)) }},
		{name: "an unquoted value", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("regcred-route 1\nnotFound true\n"), 0o600)) }},
		{name: "an unknown field", mangle: func(t *testing.T) { must(t, os.WriteFile(p, []byte("regcred-route 1\nextra \"x\"\n"), 0o600)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, Write(dir, "k", Route{NotFound: true}, time.Now()))
			tt.mangle(t)
			if r, err := Read(dir, "k"); err == nil {
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

func TestWriteSweepsOldRoutes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	now := time.Now()
	must(t, Write(dir, "old", Route{NotFound: true}, now))
	old := filepath.Join(dir, subdir, "old.route")
	must(t, os.Chtimes(old, now, now.Add(-maxAge-time.Hour)))
	must(t, Write(dir, "recent", Route{NotFound: true}, now))
	must(t, Write(dir, "new", Route{NotFound: true}, now))
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an unused route outlived %s: %v", maxAge, err)
	}
	for _, k := range []string{"recent", "new"} {
		if _, err := Read(dir, k); err != nil {
			t.Errorf("route %s: %v", k, err)
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
