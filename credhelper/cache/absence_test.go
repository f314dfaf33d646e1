package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

var errAbsentHere = providers.Absent(fmt.Errorf("ecr: host: no AWS credentials found: %w", providers.ErrNoIdentity))

func TestAbsentIdentityRemembered(t *testing.T) {
	tests := []struct {
		name        string
		first       error
		negativeTTL time.Duration
		advance     time.Duration
		wantCalls   int64  // backend calls over two gets
		wantSecond  string // the second get's error names this
	}{
		{name: "absence remembered", first: errAbsentHere, negativeTTL: 10 * time.Minute, advance: 9 * time.Minute, wantCalls: 1, wantSecond: "remembered until"},
		{name: "absence runs out", first: errAbsentHere, negativeTTL: 10 * time.Minute, advance: 10 * time.Minute, wantCalls: 2, wantSecond: "no AWS credentials found"},
		{name: "negative TTL 0 remembers nothing", first: errAbsentHere, wantCalls: 2, wantSecond: "no AWS credentials found"},
		{name: "a broken identity is a failure, not cached", first: fmt.Errorf("SSO session expired: %w", providers.ErrNoIdentity), negativeTTL: 10 * time.Minute, wantCalls: 2, wantSecond: "SSO session expired"},
		{name: "an outage is not cached", first: providers.ErrUnavailable, negativeTTL: 10 * time.Minute, wantCalls: 2, wantSecond: providers.ErrUnavailable.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{Kind: KindFile, NegativeTTL: tt.negativeTTL})
			b := (&backend{}).then(providers.Credential{}, tt.first).then(providers.Credential{}, tt.first)
			_, _, err := h.get(t, b)
			require.ErrorIs(t, err, tt.first)
			h.clk.Advance(tt.advance)
			_, _, err = h.get(t, b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantSecond)
			assert.Equal(t, tt.wantCalls, b.calls.Load(), "backend calls")
			if tt.wantCalls == 1 {
				assert.ErrorIs(t, err, providers.ErrNoIdentity)
				assert.ErrorIs(t, err, providers.ErrAbsent)
				var ae *AbsentError
				require.True(t, errors.As(err, &ae))
				assert.Equal(t, errAbsentHere.Error(), ae.Message, "the remembered message is the backend's")
				assert.Contains(t, h.logs.String(), "identity remembered as absent")
			}
		})
	}
}

func TestAbsenceBoundToKeyAndRegistry(t *testing.T) {
	tests := []struct {
		name  string
		other Item // asked after an absence was remembered for testItem
		copy  bool // the absence record copied to other's name
	}{
		{name: "another key", other: Item{Key: Key("test", "other"), Registry: itemRegistry}},
		{name: "record copied to another key", other: Item{Key: Key("test", "other"), Registry: itemRegistry}, copy: true},
		{name: "another registry", other: Item{Key: Key("test", "item"), Registry: "public.ecr.aws"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{Kind: KindFile, NegativeTTL: time.Hour})
			ctx := context.Background()
			b := (&backend{}).then(providers.Credential{}, errAbsentHere).then(providers.Credential{}, errAbsentHere)
			_, _, err := h.get(t, b)
			require.ErrorIs(t, err, providers.ErrAbsent)
			_, ok := h.c.Absent(ctx, testItem())
			require.True(t, ok, "absence remembered")
			if tt.copy {
				tokens := filepath.Join(h.dir, tokensDir)
				data, err := os.ReadFile(filepath.Join(tokens, AbsentKeyOf(testItem().Key)+".json"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(tokens, AbsentKeyOf(tt.other.Key)+".json"), data, 0o600))
			}
			_, ok = h.c.Absent(ctx, tt.other)
			assert.False(t, ok, "an absence answered another request")
			_, _, err = h.c.Credential(ctx, tt.other, b.fetch)
			require.ErrorIs(t, err, providers.ErrAbsent)
			assert.Equal(t, int64(2), b.calls.Load(), "the other request asked its backend")
		})
	}
}

func TestAbsenceNeverAnswersACredential(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile, NegativeTTL: time.Hour})
	ctx := context.Background()
	_, _, err := h.get(t, (&backend{}).then(providers.Credential{}, errAbsentHere))
	require.ErrorIs(t, err, providers.ErrAbsent)
	// Asked under the absence record's own key, as a token: not a credential.
	it := Item{Key: AbsentKeyOf(testItem().Key), Registry: itemRegistry}
	_, ok := h.c.Peek(ctx, it)
	assert.False(t, ok, "an absence record was served as a credential")
}

func TestClearForgetsAbsence(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile, NegativeTTL: time.Hour})
	ctx := context.Background()
	_, _, err := h.get(t, (&backend{}).then(providers.Credential{}, errAbsentHere))
	require.ErrorIs(t, err, providers.ErrAbsent)
	n, err := h.c.Clear(ctx, itemRegistry)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, ok := h.c.Absent(ctx, testItem())
	assert.False(t, ok, "cache clear left the absence")
}
