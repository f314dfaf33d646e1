package gcr

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestMetadataProbeOnABlackHole: where the metadata address accepts and
// never answers (off Google Cloud, or a GCE_METADATA_HOST pointing at
// such an address), the ADC chain asks it once, within
// metadataProbeTimeout, and ends with "no identity", marked absent so the
// cache remembers it. make bench times the probe.
func TestMetadataProbeOnABlackHole(t *testing.T) {
	tests := []struct {
		name string
		// named: the hole is GCE_METADATA_HOST; else the fixed address.
		named   bool
		phrases []string
	}{
		{name: "fixed address", phrases: []string{"no Google credentials found", "not on Google Cloud"}},
		{name: "GCE_METADATA_HOST", named: true, phrases: []string{"GCE_METADATA_HOST", "unreachable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hole := testkit.NewBlackHole(t)
			h := newHarness(t)
			delete(h.env, "GCE_METADATA_HOST")
			if tt.named {
				h.env["GCE_METADATA_HOST"] = hole.Addr()
			}
			p := h.provider(t, Config{})
			p.metadataIP = hole.Addr()
			_, err := get(t, p)
			testkit.WantErr(t, err, providers.ErrNoIdentity, tt.phrases...)
			assert.ErrorIs(t, err, providers.ErrAbsent, "the cache must be able to remember it")
			assert.Equal(t, int64(1), hole.Conns(), "metadata requests: want one probe")
		})
	}
	// AWS and Google share the 1.5 s budget of a machine off every cloud.
	assert.LessOrEqual(t, metadataProbeTimeout, 750*time.Millisecond, "the Google probe's bound")
}
