package config

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/regcred/regcred/providers/kind"
)

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

// entry makes the Entry a decoded value of the shape holds.
func (s entryShape) entry(v reflect.Value) Entry {
	var e Entry
	ev := reflect.ValueOf(&e).Elem()
	for i := range s.typ.NumField() {
		k, isKind := s.kindAt[i]
		switch {
		case !isKind:
			ev.FieldByName(s.typ.Field(i).Name).Set(v.Field(i))
		case !v.Field(i).IsNil():
			e.blocks = append(e.blocks, block{kind: k, settings: v.Field(i).Interface()})
		}
	}
	return e
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
