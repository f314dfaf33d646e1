package providers_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/providers"
)

func TestAbsent(t *testing.T) {
	base := fmt.Errorf("ecr: host: no AWS credentials found: %w", providers.ErrNoIdentity)
	tests := []struct {
		name       string
		err        error
		wantAbsent bool
		wantNoID   bool
	}{
		{name: "marked", err: providers.Absent(base), wantAbsent: true, wantNoID: true},
		{name: "marked and wrapped", err: fmt.Errorf("setting up: %w", providers.Absent(base)), wantAbsent: true, wantNoID: true},
		{name: "no identity, not marked", err: base, wantNoID: true},
		{name: "other failure", err: providers.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantAbsent, errors.Is(tt.err, providers.ErrAbsent), "absent")
			assert.Equal(t, tt.wantNoID, errors.Is(tt.err, providers.ErrNoIdentity), "no identity")
		})
	}
	assert.Equal(t, base.Error(), providers.Absent(base).Error(), "text unchanged")
	assert.NoError(t, providers.Absent(nil))
}
