package kind

import (
	"context"
	"errors"
	"strings"
	"testing"

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
	if k.Name() != "test" || !k.Cached() || k.ConfigType().Name() != "testConfig" {
		t.Fatalf("kind %s cached %v type %s", k.Name(), k.Cached(), k.ConfigType())
	}
	s := k.NewSettings()
	if err := k.Validate(s); err == nil {
		t.Error("empty settings validated")
	}
	s.(*testConfig).User = "u"
	if err := k.Validate(s); err != nil {
		t.Errorf("Validate: %v", err)
	}
	p, err := k.Build(s, netdeps.Deps{})
	if err != nil || got.User != "u" {
		t.Fatalf("Build: %v, constructor got %+v", err, got)
	}
	if cred, _ := p.Credential(context.Background(), providers.Request{}); cred.Username != "u" {
		t.Errorf("the backend built is not the constructor's: %+v", cred)
	}
}

func TestKindRefusesOtherSettings(t *testing.T) {
	k := testKind(nil)
	for _, s := range []any{nil, testConfig{User: "u"}, (*testConfig)(nil), &struct{}{}} {
		if err := k.Validate(s); !errors.Is(err, providers.ErrInvalid) {
			t.Errorf("Validate(%#v) = %v, want ErrInvalid", s, err)
		}
		if _, err := k.Build(s, netdeps.Deps{}); !errors.Is(err, providers.ErrInvalid) {
			t.Errorf("Build(%#v) = %v, want ErrInvalid", s, err)
		}
	}
	if _, err := k.Build(&testConfig{User: "u"}, netdeps.Deps{}); !errors.Is(err, providers.ErrInvalid) || !strings.Contains(err.Error(), "builds no backend") {
		t.Errorf("a kind without a constructor built: %v", err)
	}
}

func TestDefaultsNameTheirKind(t *testing.T) {
	k := testKind(nil)
	other := New(Spec[testConfig, providers.ProviderFunc]{Name: "other",
		Defaults: func() []Default { return []Default{{Match: "b.example"}, {Match: "b.example", Kind: k}} }})
	ds := other.Defaults()
	if len(ds) != 2 || ds[0].Kind != other || ds[1].Kind != k {
		t.Errorf("defaults %+v: want the contributing kind filled in, another kept", ds)
	}
	if New(Spec[testConfig, providers.ProviderFunc]{Name: "none"}).Defaults() != nil {
		t.Error("a kind without defaults has some")
	}
}

func TestLocalHandsOnTheDeps(t *testing.T) {
	var got providers.Deps
	newFn := Local(func(c testConfig, d providers.Deps) (string, error) { got = d; return c.User, nil })
	env := func(string) (string, bool) { return "x", true }
	if user, err := newFn(testConfig{User: "u"}, netdeps.Deps{Deps: providers.Deps{LookupEnv: env}}); err != nil || user != "u" || got.LookupEnv == nil {
		t.Errorf("Local: %q, %v, deps %+v", user, err, got)
	}
}
