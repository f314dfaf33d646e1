package matcher

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	// ErrInvalidRequest is wrapped by every error Normalize returns.
	ErrInvalidRequest = errors.New("invalid registry request")
	// ErrInvalidPattern is wrapped by every error ParsePattern returns.
	ErrInvalidPattern = errors.New("invalid registry pattern")
)

// maxInput bounds what a caller may send or a config may hold. No registry
// name comes near it; anything longer is garbage or an attack.
const maxInput = 4096

// quoteMax bounds how much of a bad input an error repeats, so a megabyte of
// garbage on stdin does not come back as a megabyte of error text.
const quoteMax = 64

// quote returns s in Go quotes, its quoted text cut to quoteMax bytes.
// The bound is on what is printed, not on the input: escaping can make one
// byte of input four ("\x00") or two ("\""), and an error quotes several
// parts of the input.
func quote(s string) string {
	if q := strconv.Quote(s); len(q) <= quoteMax+2 {
		return q
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		_, w := utf8.DecodeRuneInString(s[i:])
		piece := strconv.Quote(s[i : i+w])
		piece = piece[1 : len(piece)-1]
		if b.Len()+len(piece) > quoteMax {
			break
		}
		b.WriteString(piece)
		i += w
	}
	return `"` + b.String() + `"…`
}

// part is a piece of the input an error is about. A request's error quotes
// it (a client sent it and wants to see what was wrong); a pattern's error
// leaves it out, since a config value that fails may be a secret typed in
// the wrong place, and the loader names the file and line anyway.
type part string

// inputError is a problem with parts of the input. Each part stands in
// format as " %s"; no other argument uses %s.
type inputError struct {
	format string
	args   []any
}

// partError builds an inputError; the args of type part are the input's.
func partError(format string, args ...any) error {
	return &inputError{format: format, args: args}
}

// Error quotes the parts.
func (e *inputError) Error() string {
	args := make([]any, len(e.args))
	for i, a := range e.args {
		if p, ok := a.(part); ok {
			a = quote(string(p))
		}
		args[i] = a
	}
	return fmt.Sprintf(e.format, args...)
}

// withheld is the message without the parts.
func (e *inputError) withheld() string {
	var args []any
	for _, a := range e.args {
		if _, ok := a.(part); !ok {
			args = append(args, a)
		}
	}
	return fmt.Sprintf(strings.ReplaceAll(e.format, " %s", ""), args...)
}

// withheldText is err's message without the parts of the input it quotes.
func withheldText(err error) string {
	var ie *inputError
	if !errors.As(err, &ie) {
		return err.Error()
	}
	return strings.Replace(err.Error(), ie.Error(), ie.withheld(), 1)
}

func requestError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
}

func patternError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidPattern, fmt.Sprintf(format, args...))
}

// checkText rejects what no registry name contains: nothing at all, too
// much, control characters and non-ASCII (registries use punycode).
func checkText(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if len(s) > maxInput {
		return fmt.Errorf("%d bytes long, the limit is %d", len(s), maxInput)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return fmt.Errorf("control character %#02x at offset %d", c, i)
		case c >= 0x80:
			return fmt.Errorf("non-ASCII byte %#02x at offset %d (use the punycode form of the host)", c, i)
		}
	}
	return nil
}
