package config

import (
	"errors"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/providers/kind"
)

// entryTypeName is what YAML messages call an entry, whatever shape
// decoded it: the type a user's config is described by.
const entryTypeName = "config.Entry"

// block is one kind block an entry gave, before prepare picks the one.
type block struct {
	kind     *kind.Kind
	settings any
}

// entryShape is an entry as the YAML decoder sees it: a struct made of
// Entry's own keys with one field per kind, a pointer to its Config type,
// where Entry keeps its blocks. Strict decoding then refuses an unknown
// key anywhere in an entry, kind blocks included, just as if Entry had a
// field per kind.
type entryShape struct {
	typ    reflect.Type
	kindAt map[int]*kind.Kind // field index → kind
}

func newEntryShape(ks []*kind.Kind) entryShape {
	et := reflect.TypeFor[Entry]()
	shape := entryShape{kindAt: map[int]*kind.Kind{}}
	var fields []reflect.StructField
	for i := range et.NumField() {
		f := et.Field(i)
		switch {
		case f.Name == "blocks":
			for j, k := range ks {
				shape.kindAt[len(fields)] = k
				fields = append(fields, reflect.StructField{
					Name: "Kind" + strconv.Itoa(j),
					Type: reflect.PointerTo(k.ConfigType()),
					Tag:  reflect.StructTag(`yaml:"` + k.Name() + `,omitempty"`),
				})
			}
		case f.IsExported() && f.Tag.Get("yaml") != "":
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
	}
	shape.typ = reflect.StructOf(fields)
	return shape
}

// keys are the entry's YAML keys, in order, kinds included.
func (s entryShape) keys() []string {
	keys := make([]string, s.typ.NumField())
	for i := range keys {
		keys[i], _, _ = strings.Cut(s.typ.Field(i).Tag.Get("yaml"), ",")
	}
	return keys
}

// UnmarshalYAML decodes an entry through its entryShape. It is the form
// of yaml.v3's unmarshaler whose decode function runs in the caller's
// decoder, so strictness (KnownFields) and line numbers carry through;
// yaml.Node.Decode would lose both. Messages name the type config.Entry.
func (e *Entry) UnmarshalYAML(decode func(any) error) error {
	shape := newEntryShape(Kinds())
	v := reflect.New(shape.typ)
	if err := decode(v.Interface()); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for i, msg := range te.Errors {
				te.Errors[i] = strings.ReplaceAll(msg, shape.typ.String(), entryTypeName)
			}
		}
		return err
	}
	v = v.Elem()
	ev := reflect.ValueOf(e).Elem()
	for i := range shape.typ.NumField() {
		k, isKind := shape.kindAt[i]
		switch {
		case !isKind:
			ev.FieldByName(shape.typ.Field(i).Name).Set(v.Field(i))
		case !v.Field(i).IsNil():
			e.blocks = append(e.blocks, block{kind: k, settings: v.Field(i).Interface()})
		}
	}
	return nil
}

// MarshalYAML writes the entry in the shape UnmarshalYAML reads: its own
// keys and its kind's block.
func (e Entry) MarshalYAML() (any, error) {
	shape := newEntryShape(Kinds())
	v := reflect.New(shape.typ).Elem()
	ev := reflect.ValueOf(e)
	for i := range shape.typ.NumField() {
		k, isKind := shape.kindAt[i]
		switch {
		case !isKind:
			v.Field(i).Set(ev.FieldByName(shape.typ.Field(i).Name))
		case e.kind != nil && k.Name() == e.kind.Name() && reflect.TypeOf(e.settings) == v.Field(i).Type():
			v.Field(i).Set(reflect.ValueOf(e.settings))
		}
	}
	return v.Interface(), nil
}
