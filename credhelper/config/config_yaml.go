package config

import (
	"errors"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// What YAML messages call the file and an entry, whatever shape decoded
// them: the types a user's config is described by.
const (
	configTypeName = "config.Config"
	entryTypeName  = "config.Entry"
)

// UnmarshalYAML decodes the file through a struct of Config's keys whose
// registries are entryShapes, made once per file from the kind table. It
// is the form of yaml.v3's unmarshaler whose decode function runs in the
// caller's decoder, so strictness (KnownFields) and line numbers carry
// through; yaml.Node.Decode would lose both. Messages name the types
// config.Config and config.Entry, as if those held a field per kind.
func (c *Config) UnmarshalYAML(decode func(any) error) error {
	entry := newEntryShape(Kinds())
	ct := reflect.TypeFor[Config]()
	var fields []reflect.StructField
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !f.IsExported() || f.Tag.Get("yaml") == "-" {
			continue
		}
		if f.Name == "Registries" {
			f.Type = reflect.SliceOf(entry.typ)
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	file := reflect.StructOf(fields)
	v := reflect.New(file)
	if err := decode(v.Interface()); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			names := strings.NewReplacer(file.String(), configTypeName, entry.typ.String(), entryTypeName)
			for i, msg := range te.Errors {
				te.Errors[i] = names.Replace(msg)
			}
		}
		return err
	}
	v = v.Elem()
	cv := reflect.ValueOf(c).Elem()
	for i, f := range fields {
		if f.Name != "Registries" {
			cv.FieldByName(f.Name).Set(v.Field(i))
			continue
		}
		regs := v.Field(i)
		if regs.IsNil() {
			continue
		}
		c.Registries = make([]Entry, regs.Len())
		for j := range c.Registries {
			c.Registries[j] = entry.entry(regs.Index(j))
		}
	}
	return nil
}
