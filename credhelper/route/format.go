package route

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"
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
		{"source", &r.Source},
		{"fetchKind", &r.Fetch.Kind}, {"fetchURL", &r.Fetch.URL}, {"fetchRegion", &r.Fetch.Region}, {"fetchProxy", &r.Fetch.Proxy},
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
	if r.AbsentTTL != 0 {
		b.WriteString("absentTTL " + strconv.Quote(r.AbsentTTL.String()) + "\n")
	}
	for _, a := range r.Absent { // the lines after an "absent" line are its own
		b.WriteString("absent " + strconv.Quote(a.Key) + "\n")
		b.WriteString("absentFilesSum " + strconv.Quote(a.FilesSum) + "\n")
		for _, f := range a.Files {
			b.WriteString("absentFile " + strconv.Quote(f) + "\n")
		}
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
	case "absentTTL":
		d, err := time.ParseDuration(v)
		r.AbsentTTL = d
		return err
	case "absent":
		r.Absent = append(r.Absent, Absence{Key: v})
		return nil
	case "absentFilesSum", "absentFile":
		return r.setAbsent(name, v)
	}
	for _, f := range fields {
		if f.name == name {
			*f.p = v
			return nil
		}
	}
	return errors.New("unknown field " + strconv.Quote(name))
}

// setAbsent sets a field of the last absence named.
func (r *Route) setAbsent(name, v string) error {
	if len(r.Absent) == 0 {
		return errors.New(name + " before any absent line")
	}
	a := &r.Absent[len(r.Absent)-1]
	if name == "absentFile" {
		a.Files = append(a.Files, v)
	} else {
		a.FilesSum = v
	}
	return nil
}
