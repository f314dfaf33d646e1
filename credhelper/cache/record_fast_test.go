package cache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// FuzzDecodeRecordFast: wherever the fast decoder answers, the strict
// decoder answers the same; and what encodeRecord writes, the fast decoder
// reads (unless a string needed an escape it leaves to the strict one).
func FuzzDecodeRecordFast(f *testing.F) {
	f.Add([]byte(`{"v":1,"key":"k","username":"u","secret":"s","expiresAt":"2026-01-02T03:04:05Z","storedAt":"2026-01-02T03:04:05.123456789+02:00","longLived":true,"registry":"r","source":"x"}`), "u", "s<é>\u2028\x00\xff", false)
	f.Add([]byte(`{"v":01}`), "", "", true)
	f.Fuzz(func(t *testing.T, data []byte, user, secret string, longLived bool) {
		if fast, ok := decodeRecordFast(data); ok {
			var strict record
			require.NoError(t, strictDecode(data, &strict), "the fast decoder took %q", data)
			require.Equal(t, strict, fast, "on %q", data)
		}
		at := time.Date(2026, 11, 23, 12, 0, 0, 123, time.UTC)
		e := Entry{Username: user, Secret: providers.Secret(secret), ExpiresAt: at.Add(time.Hour), StoredAt: at,
			LongLived: longLived, Registry: "reg.example.com", Source: secret}
		enc, err := encodeRecord("k", e)
		if err != nil {
			return
		}
		var strict record
		require.NoError(t, strictDecode(enc, &strict), "strict decoder refuses what encodeRecord wrote")
		fast, ok := decodeRecordFast(enc)
		require.True(t, ok, "fast decoder refuses what encodeRecord wrote: %q", enc)
		require.Equal(t, strict, fast)
	})
}
