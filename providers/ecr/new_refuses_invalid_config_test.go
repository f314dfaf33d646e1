package ecr

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestNewValidates(t *testing.T) {
	_, err := New(Config{Region: "nowhere"}, netdeps.Deps{})
	require.ErrorIs(t, err, providers.ErrInvalid, "New with a bad region")
}
