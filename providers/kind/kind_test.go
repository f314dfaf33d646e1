package kind

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

type testConfig struct{ User string }

func (c testConfig) Validate() error {
	if c.User == "" {
		return errors.New("user is required")
	}
	return nil
}

func testKind(newFn func(testConfig, netdeps.Deps) (providers.ProviderFunc, error)) *Kind {
	return New(Spec[testConfig, providers.ProviderFunc]{
		Name: "test", Cached: true, New: newFn,
		Defaults: func() []Default { return []Default{{Match: "a.example", Name: "built-in test"}} },
	})
}

func TestKindBuildsFromItsSettings(t *testing.T) {
	var got testConfig
	k := testKind(func(c testConfig, _ netdeps.Deps) (providers.ProviderFunc, error) {
		got = c
		return func(context.Context, providers.Request) (providers.Credential, error) {
			return providers.Credential{Username: c.User}, nil
		}, nil
	})
	require.Equal(t, "test", k.Name())
	require.True(t, k.Cached())
	require.Equal(t, "testConfig", k.ConfigType().Name())
	s := k.NewSettings()
	assert.Error(t, k.Validate(s), "empty settings validated")
	s.(*testConfig).User = "u"
	assert.NoError(t, k.Validate(s))
	p, err := k.Build(s, netdeps.Deps{})
	require.NoError(t, err)
	require.Equal(t, "u", got.User, "the constructor's settings")
	cred, _ := p.Credential(context.Background(), providers.Request{})
	assert.Equal(t, "u", cred.Username, "the backend built is not the constructor's")
}

func TestKindRefusesOtherSettings(t *testing.T) {
	k := testKind(nil)
	for _, s := range []any{nil, testConfig{User: "u"}, (*testConfig)(nil), &struct{}{}} {
		assert.ErrorIs(t, k.Validate(s), providers.ErrInvalid, "Validate(%#v)", s)
		_, err := k.Build(s, netdeps.Deps{})
		assert.ErrorIs(t, err, providers.ErrInvalid, "Build(%#v)", s)
	}
	_, err := k.Build(&testConfig{User: "u"}, netdeps.Deps{})
	testkit.WantErr(t, err, providers.ErrInvalid, "builds no backend")
}

func TestDefaultsNameTheirKind(t *testing.T) {
	k := testKind(nil)
	other := New(Spec[testConfig, providers.ProviderFunc]{Name: "other",
		Defaults: func() []Default { return []Default{{Match: "b.example"}, {Match: "b.example", Kind: k}} }})
	ds := other.Defaults()
	require.Len(t, ds, 2)
	assert.Same(t, other, ds[0].Kind, "the contributing kind is filled in")
	assert.Same(t, k, ds[1].Kind, "another kind is kept")
	assert.Nil(t, New(Spec[testConfig, providers.ProviderFunc]{Name: "none"}).Defaults(), "a kind without defaults has some")
}

func TestLocalHandsOnTheDeps(t *testing.T) {
	var got providers.Deps
	newFn := Local(func(c testConfig, d providers.Deps) (string, error) { got = d; return c.User, nil })
	env := func(string) (string, bool) { return "x", true }
	user, err := newFn(testConfig{User: "u"}, netdeps.Deps{Deps: providers.Deps{LookupEnv: env}})
	require.NoError(t, err)
	assert.Equal(t, "u", user)
	assert.NotNil(t, got.LookupEnv, "Local hands on the deps")
}
