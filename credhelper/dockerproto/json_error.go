package dockerproto

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// DescribeJSONError describes a decoding error without quoting the input, which
// may hold a secret.
func DescribeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s should be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF):
		return "empty input"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated input"
	}
	return "malformed input"
}
