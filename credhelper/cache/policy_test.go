package cache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPolicy(t *testing.T) {
	h := time.Hour
	m := time.Minute
	tests := []struct {
		name      string
		stored    time.Duration // StoredAt relative to t0; ignored if noStored
		lifetime  time.Duration // ExpiresAt - StoredAt
		noStored  bool
		noExpiry  bool
		longLived bool
		at        time.Duration // now relative to t0
		want      State
	}{
		{name: "new 12h token", lifetime: 12 * h, at: 0, want: Fresh},
		{name: "12h token just before half life", lifetime: 12 * h, at: 6*h - time.Nanosecond, want: Fresh},
		{name: "12h token at half life", lifetime: 12 * h, at: 6 * h, want: Refresh},
		{name: "12h token near its end", lifetime: 12 * h, at: 12*h - m, want: Refresh},
		{name: "12h token at expiry", lifetime: 12 * h, at: 12 * h, want: Expired},
		{name: "12h token past expiry", lifetime: 12 * h, at: 13 * h, want: Expired},
		{name: "1h token at 20 minutes", lifetime: h, at: 20 * m, want: Fresh},
		{name: "8 minute token under 5 minutes left, before half life", lifetime: 8 * m, at: 3*m + time.Second, want: Refresh},
		{name: "8 minute token at 2 minutes", lifetime: 8 * m, at: 2 * m, want: Fresh},
		{name: "token issued with 4 minutes left", lifetime: 4 * m, at: 0, want: Refresh},
		{name: "8 minute token with exactly 5 minutes left", lifetime: 8 * m, at: 3 * m, want: Fresh},
		{name: "unknown issue time", noStored: true, lifetime: 12 * h, at: 0, want: Refresh},
		{name: "no expiry is never served", noExpiry: true, at: 0, want: Expired},
		{name: "clock behind the store time", stored: h, lifetime: 12 * h, at: 0, want: Fresh},
		{name: "long-lived 5m TTL fresh until the end", longLived: true, lifetime: 5 * m, at: 5*m - time.Second, want: Fresh},
		{name: "long-lived 5m TTL expired at the end", longLived: true, lifetime: 5 * m, at: 5 * m, want: Expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Entry{LongLived: tt.longLived}
			stored := t0.Add(tt.stored)
			if !tt.noExpiry {
				e.ExpiresAt = stored.Add(tt.lifetime)
			}
			if !tt.noStored {
				e.StoredAt = stored
			}
			assert.Equal(t, tt.want, Policy(e, t0.Add(tt.at)), "Policy")
		})
	}
}
