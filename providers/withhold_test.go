package providers

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWithholdQuoted(t *testing.T) {
	tests := []struct {
		name, text string
		secrets    []string
		want       string
	}{
		{name: "no secret in it", text: "permission denied", secrets: []string{"hunter2"}, want: "permission denied"},
		{name: "one-letter secret absent", text: "denied", secrets: []string{"p"}, want: "denied"},
		{name: "one-letter secret present: the field goes, not the letter", text: "permission denied", secrets: []string{"p"}, want: Withheld},
		{name: "secret quoted", text: `bad password "hunter2"`, secrets: []string{"x", "hunter2"}, want: Withheld},
		{name: "empty secrets ignored", text: "ok", secrets: []string{"", ""}, want: "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, WithholdQuoted(tt.text, tt.secrets...))
		})
	}
}
