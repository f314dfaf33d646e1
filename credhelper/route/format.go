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

// field is a route's string field by its name in the file.
type field struct {
	name string
	p    *string
}

func (r *Route) fields() []field {
	s := &r.Static
	return []field{
		{"key", &r.Key}, {"request", &r.Request},
		{"store", &r.Store}, {"tokenDir", &r.TokenDir}, {"tokenKey", &r.TokenKey}, {"filesSum", &r.FilesSum},
		{"staticUsername", &s.Username}, {"staticUsernameEnv", &s.UsernameEnv}, {"staticUsernameFile", &s.UsernameFile},
		{"staticPasswordEnv", &s.PasswordEnv}, {"staticPasswordFile", &s.PasswordFile},
		{"staticDockerConfig", &s.DockerConfig}, {"staticDockerKey", &s.DockerKey},
		{"loginDir", &r.LoginDir},
	}
}

func encode(r Route) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for _, f := range r.fields() {
		if *f.p != "" {
			b.WriteString(f.name + " " + strconv.Quote(*f.p) + "\n")
		}
	}
	if r.NotFound {
		b.WriteString("notFound " + strconv.Quote("true") + "\n")
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
	fields := r.fields()
	for _, l := range lines[1:] {
		name, quoted, ok := strings.Cut(l, " ")
		v, err := strconv.Unquote(quoted)
		if !ok || err != nil {
			return Route{}, errors.New("malformed line")
		}
		if err := r.set(fields, name, v); err != nil {
			return Route{}, err
		}
	}
	return r, nil
}

func (r *Route) set(fields []field, name, v string) error {
	switch name {
	case "notFound":
		r.NotFound = v == "true"
		return nil
	case "file":
		r.Files = append(r.Files, v)
		return nil
	}
	for _, f := range fields {
		if f.name == name {
			*f.p = v
			return nil
		}
	}
	return errors.New("unknown field " + strconv.Quote(name))
}
