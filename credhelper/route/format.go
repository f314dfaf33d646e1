package route

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// A route is a few lines of "name value", the value Go-quoted: read on
// every warm `get`, it is parsed by hand rather than by reflection, whose
// first use in a fresh process costs more than the rest of the read.
const header = "regcred-route 2"

// field is one of a route's string fields, named as on disk.
type field struct {
	name string
	v    *string
}

// text names a route's string fields once, for encode and decode.
func (r *Route) text() [7]field {
	return [...]field{
		{"key", &r.Key}, {"request", &r.Request}, {"store", &r.Store},
		{"tokenDir", &r.TokenDir}, {"tokenKey", &r.TokenKey},
		{"filesSum", &r.FilesSum}, {"loginDir", &r.LoginDir},
	}
}

func encode(r Route) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for _, f := range r.text() {
		if *f.v != "" {
			b.WriteString(f.name + " " + strconv.Quote(*f.v) + "\n")
		}
	}
	if r.NotFound {
		b.WriteString("notFound \"true\"\n")
	}
	for _, f := range r.Files {
		b.WriteString("file " + strconv.Quote(f) + "\n") // even "": the count matters
	}
	return b.Bytes()
}

func decode(data []byte) (Route, error) {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) == 0 || lines[0] != header {
		return Route{}, errors.New("not a route of this version")
	}
	var r Route
	text := r.text()
	for _, l := range lines[1:] {
		name, quoted, ok := strings.Cut(l, " ")
		v, err := strconv.Unquote(quoted)
		if !ok || err != nil {
			return Route{}, errors.New("malformed line")
		}
		if err := r.set(text[:], name, v); err != nil {
			return Route{}, err
		}
	}
	return r, nil
}

func (r *Route) set(text []field, name, v string) error {
	for _, f := range text {
		if f.name == name {
			*f.v = v
			return nil
		}
	}
	switch name {
	case "notFound":
		r.NotFound = v == "true"
	case "file":
		r.Files = append(r.Files, v)
	default:
		return errors.New("unknown field " + strconv.Quote(name))
	}
	return nil
}
