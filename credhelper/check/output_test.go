package check

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestResultText: a check reads ok or FAIL, with the outcome only when it
// says more than that.
func TestResultText(t *testing.T) {
	tests := []struct {
		name string
		ch   Result
		want string
	}{
		{name: "credential found", ch: Result{OK: true, Outcome: OutcomeCredential}, want: "ok"},
		{name: "anonymous", ch: Result{OK: true, Outcome: OutcomeAnonymous}, want: "ok (anonymous)"},
		{name: "failed", ch: Result{Outcome: OutcomeFailed}, want: "FAIL"},
		{name: "no match", ch: Result{Outcome: OutcomeNoMatch}, want: "FAIL (no match)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, resultText(tt.ch))
		})
	}
}

// TestEntryText: the entry that answered, a dash for none, and a count
// when every entry failed.
func TestEntryText(t *testing.T) {
	tests := []struct {
		name string
		ch   Result
		want string
	}{
		{name: "entry named", ch: Result{Entry: "team (static, cfg.yaml:3)"}, want: "team (static, cfg.yaml:3)"},
		{name: "no entry", ch: Result{}, want: "-"},
		{name: "every entry failed", ch: Result{Attempts: []Attempt{{Entry: "a"}, {Entry: "b"}}}, want: "all 2 failed (see Details)"},
		{name: "named entry wins over attempts", ch: Result{Entry: "b", Attempts: []Attempt{{Entry: "a"}}}, want: "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, entryText(tt.ch))
		})
	}
}

// TestExpiry: when a credential expires, relative to now, rounded to the
// minute; a past or present time reads expired.
func TestExpiry(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	tests := []struct {
		name string
		t    *time.Time
		want string
	}{
		{name: "none", want: "-"},
		{name: "in an hour", t: at(time.Hour), want: "2026-01-02T04:04:05Z (in 1h0m0s)"},
		{name: "rounded to the minute", t: at(89 * time.Second), want: "2026-01-02T03:05:34Z (in 1m0s)"},
		{name: "under half a minute left", t: at(20 * time.Second), want: "2026-01-02T03:04:25Z (expired)"},
		{name: "past", t: at(-time.Hour), want: "2026-01-02T02:04:05Z (expired)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, expiry(tt.t, now))
		})
	}
}
