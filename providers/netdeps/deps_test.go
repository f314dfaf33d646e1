package netdeps

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryDefaultClientHasTheTimeout(t *testing.T) {
	for name, d := range map[string]Deps{
		"Default":           Default(slog.New(slog.DiscardHandler)),
		"zero WithDefaults": Deps{}.WithDefaults(),
	} {
		if assert.NotNil(t, d.HTTPClient, name) {
			assert.Equal(t, DefaultHTTPTimeout, d.HTTPClient.Timeout, name)
		}
		assert.NotNil(t, d.Now, name)
		assert.NotNil(t, d.LookupEnv, name)
		assert.NotNil(t, d.Logger, name)
	}
	own := &http.Client{}
	assert.Same(t, own, (Deps{HTTPClient: own}).WithDefaults().HTTPClient, "WithDefaults replaced the caller's client")
}
