package providers

import "log/slog"

const redacted = "[redacted]"

// Secret holds a password or token. Every way Go formats, logs or marshals a
// value prints it as "[redacted]"; Reveal is the one door to the clear text,
// used only where the protocol must answer it.
type Secret string

// Reveal returns the clear text.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer (used by %s, %v and %q).
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (used by %#v).
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON keeps secrets out of accidental JSON dumps; protocol answers
// use their own structs with plain strings.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText covers encoders that prefer text (YAML, slog's JSON handler).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
