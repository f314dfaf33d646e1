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

func encode(r Route) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	line := func(name, v string) {
		if v != "" {
			b.WriteString(name + " " + strconv.Quote(v) + "\n")
		}
	}
	line("key", r.Key)
	line("request", r.Request)
	if r.NotFound {
		line("notFound", "true")
	}
	line("store", r.Store)
	line("tokenDir", r.TokenDir)
	line("tokenKey", r.TokenKey)
	for _, f := range r.Files {
		b.WriteString("file " + strconv.Quote(f) + "\n") // even "": the count matters
	}
	line("filesSum", r.FilesSum)
	line("loginDir", r.LoginDir)
	return b.Bytes()
}

func decode(data []byte) (Route, error) {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) == 0 || lines[0] != header {
		return Route{}, errors.New("not a route of this version")
	}
	var r Route
	for _, l := range lines[1:] {
		name, quoted, ok := strings.Cut(l, " ")
		v, err := strconv.Unquote(quoted)
		if !ok || err != nil {
			return Route{}, errors.New("malformed line")
		}
		if err := r.set(name, v); err != nil {
			return Route{}, err
		}
	}
	return r, nil
}

func (r *Route) set(name, v string) error {
	switch name {
	case "key":
		r.Key = v
	case "request":
		r.Request = v
	case "notFound":
		r.NotFound = v == "true"
	case "store":
		r.Store = v
	case "tokenDir":
		r.TokenDir = v
	case "tokenKey":
		r.TokenKey = v
	case "file":
		r.Files = append(r.Files, v)
	case "filesSum":
		r.FilesSum = v
	case "loginDir":
		r.LoginDir = v
	default:
		return errors.New("unknown field " + strconv.Quote(name))
	}
	return nil
}
