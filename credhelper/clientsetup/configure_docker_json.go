package clientsetup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// jsonMember is one "key": value of an object, the value kept as written;
// fresh marks a value set by regcred, laid out anew when rendered.
type jsonMember struct {
	key   string
	value json.RawMessage
	fresh bool
}

// orderedObject is a JSON object with its members in file order, so a file
// can be edited without reordering or dropping what regcred does not know.
type orderedObject []jsonMember

// parseOrderedObject reads a JSON object; empty input is an empty object.
func parseOrderedObject(data []byte) (orderedObject, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return orderedObject{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("the top level is not a JSON object")
	}
	var obj orderedObject
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(dec, err)
		}
		key, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, jsonErr(dec, err)
		}
		obj = append(obj, jsonMember{key: key, value: value})
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonErr(dec, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected content after the JSON object (byte %d)", dec.InputOffset())
	}
	return obj, nil
}

func jsonErr(dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("not valid JSON at byte %d: %w", syn.Offset, err)
	}
	return fmt.Errorf("not valid JSON near byte %d: %w", dec.InputOffset(), err)
}

// get returns the last member named key (the one encoding/json would use).
func (o orderedObject) get(key string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].key == key {
			return o[i].value, true
		}
	}
	return nil, false
}

// set replaces the last member named key, or appends one.
func (o orderedObject) set(key string, value json.RawMessage) orderedObject {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].key == key {
			o[i].value, o[i].fresh = value, true
			return o
		}
	}
	return append(o, jsonMember{key: key, value: value, fresh: true})
}

// render writes the object with indent as the indentation unit (docker
// writes its config with tabs). Values regcred set are laid out with that
// unit; the others are written exactly as they were, so a diff shows only
// what changed.
func (o orderedObject) render(indent string) ([]byte, error) {
	var b bytes.Buffer
	if len(o) == 0 {
		return []byte("{}\n"), nil
	}
	b.WriteString("{\n")
	for i, m := range o {
		key, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.WriteString(indent)
		b.Write(key)
		b.WriteString(": ")
		if m.fresh {
			if err := json.Indent(&b, m.value, indent, indent); err != nil {
				return nil, fmt.Errorf("laying out %q: %w", m.key, err)
			}
		} else {
			b.Write(m.value)
		}
		if i < len(o)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// detectIndent returns the indentation unit of a pretty-printed JSON file
// (the leading white space of its first indented line), or a tab.
func detectIndent(data []byte) string {
	for _, line := range strings.Split(string(data), "\n")[1:] {
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed != "" && len(trimmed) < len(line) {
			return line[:len(line)-len(trimmed)]
		}
	}
	return "\t"
}

// helperChange is what setting one credHelpers key did.
type helperChange struct {
	host, was string
	added     bool // new key, or replaced (was != "")
	kept      bool // another helper was there and was left alone
}

// setCredHelpers points each host at helper in obj's credHelpers, keeping
// the order of the keys already there and appending new ones sorted. A
// host mapped to another helper is replaced only with force.
func setCredHelpers(obj orderedObject, hosts []string, helper string, force bool) (orderedObject, []helperChange, error) {
	helpers := orderedObject{}
	if raw, ok := obj.get("credHelpers"); ok && string(raw) != "null" {
		var err error
		if helpers, err = parseOrderedObject(raw); err != nil {
			return nil, nil, fmt.Errorf("credHelpers: %w", err)
		}
	}
	var changes []helperChange
	for _, h := range slices.Sorted(slices.Values(hosts)) {
		cur, exists := helpers.get(h)
		var was string
		if exists && json.Unmarshal(cur, &was) != nil {
			return nil, nil, fmt.Errorf("credHelpers[%q] is not a string", h)
		}
		switch {
		case exists && was == helper:
			continue
		case exists && !force:
			changes = append(changes, helperChange{host: h, was: was, kept: true})
			continue
		}
		value, _ := json.Marshal(helper)
		helpers = helpers.set(h, value)
		changes = append(changes, helperChange{host: h, was: was, added: true})
	}
	raw, err := helpers.render("")
	if err != nil {
		return nil, nil, err
	}
	return obj.set("credHelpers", json.RawMessage(bytes.TrimSpace(raw))), changes, nil
}
