package ecr

import (
	"errors"
	"testing"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{Region: "nowhere"}, netdeps.Deps{}); !errors.Is(err, providers.ErrInvalid) {
		t.Fatalf("New with a bad region = %v, want ErrInvalid", err)
	}
}
