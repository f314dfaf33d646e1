package providers

import "time"

// MaxLifetime caps any lifetime a backend announces. Real ones are hours
// (ECR 12 h, Google 1 h, Vault leases up to its max TTL, 32 days by
// default); a larger or absurd number — 2^63 seconds wraps time.Duration
// into the past — is read as this cap instead of trusted.
const MaxLifetime = 366 * 24 * time.Hour

// Seconds turns a lifetime in seconds from a backend's answer into a
// Duration, clamped to [0, MaxLifetime] so that no value overflows.
func Seconds(n int64) time.Duration {
	switch {
	case n <= 0:
		return 0
	case n >= int64(MaxLifetime/time.Second):
		return MaxLifetime
	}
	return time.Duration(n) * time.Second
}
