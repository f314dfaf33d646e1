package controller

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// scriptedResolver answers each call with the next of its answers, and
// counts the calls.
type scriptedResolver struct {
	answers []func() (pullsecret.Auth, error)
	calls   int
}

func (s *scriptedResolver) Auth(_ context.Context, registry string) (pullsecret.Auth, error) {
	if s.calls >= len(s.answers) {
		return pullsecret.Auth{}, errors.New("unexpected call for " + registry)
	}
	s.calls++
	return s.answers[s.calls-1]()
}

func TestCredStoreRefreshesAtHalfLife(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t0 := clock.Now()
	token := func(pw string, life time.Duration) func() (pullsecret.Auth, error) {
		return func() (pullsecret.Auth, error) {
			return pullsecret.Auth{Registry: "r.example.com", Username: "AWS", Password: providers.Secret("tok-" + pw), ExpiresAt: clock.Now().Add(life)}, nil
		}
	}
	fail := func() (pullsecret.Auth, error) { return pullsecret.Auth{}, errors.New("backend down") }
	res := &scriptedResolver{answers: []func() (pullsecret.Auth, error){
		token("1", 12*time.Hour), token("2", 12*time.Hour), fail, fail, fail,
	}}
	reg := prometheus.NewRegistry()
	m, err := newMetrics(reg, clock.Now)
	require.NoError(t, err)
	s := &credStore{resolve: res, now: clock.Now, jitter: func(d time.Duration) time.Duration { return d / 2 },
		noExpiry: time.Hour, retry: 30 * time.Second, metrics: m, regs: map[string]*regCred{}}
	ctx := context.Background()

	got := s.get(ctx, "r.example.com")
	require.NoError(t, got.err)
	assert.Equal(t, "tok-1", got.auth.Password.Reveal())
	// half of 12h is 6h; the jitter (here half of a tenth: 18m) comes off.
	assert.Equal(t, t0.Add(6*time.Hour-18*time.Minute), got.due)

	clock.Advance(5 * time.Hour)
	assert.Equal(t, "tok-1", s.get(ctx, "r.example.com").auth.Password.Reveal(), "not due: no backend call")
	assert.Equal(t, 1, res.calls)

	clock.Advance(time.Hour)
	got = s.get(ctx, "r.example.com")
	assert.Equal(t, "tok-2", got.auth.Password.Reveal(), "due: refreshed")

	clock.Advance(6 * time.Hour)
	got = s.get(ctx, "r.example.com")
	require.Error(t, got.err)
	assert.True(t, got.have, "the last good credential is kept while it is valid")
	assert.Equal(t, "tok-2", got.auth.Password.Reveal())
	assert.Equal(t, clock.Now().Add(30*time.Second), got.due, "retried soon")
	calls := res.calls
	again := s.get(ctx, "r.example.com")
	require.Error(t, again.err, "every namespace asking before the retry hears of the failure")
	assert.True(t, again.have)
	assert.Equal(t, calls, res.calls, "and no call is made before the retry")

	clock.Advance(5*time.Hour + 59*time.Minute + 50*time.Second) // 10s before tok-2 expires
	got = s.get(ctx, "r.example.com")
	assert.True(t, got.have)
	assert.Equal(t, clock.Now().Add(5*time.Second), got.due, "retried before the kept credential expires")

	clock.Advance(time.Minute)
	got = s.get(ctx, "r.example.com")
	assert.False(t, got.have, "an expired credential is not kept")
	assert.Equal(t, 5, res.calls)
	assert.InDelta(t, 2, testutil.ToFloat64(m.refreshes.WithLabelValues("r.example.com")), 0)
	assert.InDelta(t, 3, testutil.ToFloat64(m.failures.WithLabelValues("r.example.com")), 0)
}

func TestCredStoreNoExpiry(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	res := &scriptedResolver{answers: []func() (pullsecret.Auth, error){
		func() (pullsecret.Auth, error) {
			return pullsecret.Auth{Registry: "r.example.com", Username: "u", Password: "p"}, nil
		},
	}}
	m, err := newMetrics(prometheus.NewRegistry(), clock.Now)
	require.NoError(t, err)
	s := &credStore{resolve: res, now: clock.Now, jitter: func(time.Duration) time.Duration { return 0 },
		noExpiry: time.Hour, retry: time.Second, metrics: m, regs: map[string]*regCred{}}
	assert.Equal(t, clock.Now().Add(30*time.Minute), s.get(context.Background(), "r.example.com").due)
}

func TestExpiryMetric(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	reg := prometheus.NewRegistry()
	m, err := newMetrics(reg, clock.Now)
	require.NoError(t, err)
	m.expiry.set("team-a", "pull", clock.Now().Add(time.Hour))
	clock.Advance(15 * time.Minute)
	n, err := testutil.GatherAndCount(reg, "regcred_controller_secret_expiry_seconds")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.InDelta(t, 2700, testutil.ToFloat64(m.expiry), 0.001, "seconds left at scrape time")
	m.expiry.set("team-a", "pull", time.Time{})
	n, err = testutil.GatherAndCount(reg, "regcred_controller_secret_expiry_seconds")
	require.NoError(t, err)
	assert.Equal(t, 0, n)
}
