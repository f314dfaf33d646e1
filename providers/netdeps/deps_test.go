package netdeps

import (
	"log/slog"
	"net/http"
	"testing"
)

func TestEveryDefaultClientHasTheTimeout(t *testing.T) {
	for name, d := range map[string]Deps{
		"Default":           Default(slog.New(slog.DiscardHandler)),
		"zero WithDefaults": Deps{}.WithDefaults(),
	} {
		if d.HTTPClient == nil || d.HTTPClient.Timeout != DefaultHTTPTimeout {
			t.Errorf("%s: client %+v, want one with timeout %s", name, d.HTTPClient, DefaultHTTPTimeout)
		}
		if d.Now == nil || d.LookupEnv == nil || d.Logger == nil {
			t.Errorf("%s: providers.Deps not filled: %+v", name, d.Deps)
		}
	}
	own := &http.Client{}
	if got := (Deps{HTTPClient: own}).WithDefaults().HTTPClient; got != own {
		t.Error("WithDefaults replaced the caller's client")
	}
}
