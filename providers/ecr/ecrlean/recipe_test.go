package ecrlean

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/providers"
)

// TestRecipeCheck: a recipe is read back from a file, so the fetcher
// follows only a complete one that keeps the endpoint rule (https, or
// http to this machine).
func TestRecipeCheck(t *testing.T) {
	ok := providers.Recipe{Kind: providers.RecipeECR, URL: "https://api.ecr.eu-west-1.amazonaws.com/", Region: "eu-west-1", Proxy: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}
	with := func(f func(*providers.Recipe)) providers.Recipe { r := ok; f(&r); return r }
	tests := []struct {
		name string
		r    providers.Recipe
		want bool
	}{
		{"the ECR endpoint", ok, true},
		{"http to loopback", with(func(r *providers.Recipe) { r.URL = "http://127.0.0.1:8080/" }), true},
		{"http to localhost", with(func(r *providers.Recipe) { r.URL = "http://localhost:8080/" }), true},
		{"http off this machine", with(func(r *providers.Recipe) { r.URL = "http://api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"another scheme", with(func(r *providers.Recipe) { r.URL = "ftp://api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"userinfo", with(func(r *providers.Recipe) { r.URL = "https://u:p@api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"a query", with(func(r *providers.Recipe) { r.URL = "https://api.ecr.eu-west-1.amazonaws.com/?x=1" }), false},
		{"no host", with(func(r *providers.Recipe) { r.URL = "https:///" }), false},
		{"not a URL", with(func(r *providers.Recipe) { r.URL = "https://[::1" }), false},
		{"another kind", with(func(r *providers.Recipe) { r.Kind = "gcr" }), false},
		{"no region", with(func(r *providers.Recipe) { r.Region = "" }), false},
		{"no proxy endpoint", with(func(r *providers.Recipe) { r.Proxy = "" }), false},
		{"none", providers.Recipe{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.r)
			assert.Equal(t, tt.want, err == nil, "Check(%+v) = %v", tt.r, err)
			if err != nil {
				assert.ErrorIs(t, err, providers.ErrRecipe)
			}
		})
	}
	assert.True(t, providers.Recipe{}.IsZero())
	assert.False(t, ok.IsZero())
}
