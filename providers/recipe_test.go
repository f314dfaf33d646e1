package providers

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRecipeCheck: a recipe is read back from a file, so the fetcher
// follows only a complete one that keeps the endpoint rule (https, or
// http to this machine).
func TestRecipeCheck(t *testing.T) {
	ok := Recipe{Kind: RecipeECR, URL: "https://api.ecr.eu-west-1.amazonaws.com/", Region: "eu-west-1", Proxy: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}
	with := func(f func(*Recipe)) Recipe { r := ok; f(&r); return r }
	tests := []struct {
		name string
		r    Recipe
		want bool
	}{
		{"the ECR endpoint", ok, true},
		{"http to loopback", with(func(r *Recipe) { r.URL = "http://127.0.0.1:8080/" }), true},
		{"http to localhost", with(func(r *Recipe) { r.URL = "http://localhost:8080/" }), true},
		{"http off this machine", with(func(r *Recipe) { r.URL = "http://api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"another scheme", with(func(r *Recipe) { r.URL = "ftp://api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"userinfo", with(func(r *Recipe) { r.URL = "https://u:p@api.ecr.eu-west-1.amazonaws.com/" }), false},
		{"a query", with(func(r *Recipe) { r.URL = "https://api.ecr.eu-west-1.amazonaws.com/?x=1" }), false},
		{"no host", with(func(r *Recipe) { r.URL = "https:///" }), false},
		{"not a URL", with(func(r *Recipe) { r.URL = "https://[::1" }), false},
		{"another kind", with(func(r *Recipe) { r.Kind = "gcr" }), false},
		{"no region", with(func(r *Recipe) { r.Region = "" }), false},
		{"no proxy endpoint", with(func(r *Recipe) { r.Proxy = "" }), false},
		{"none", Recipe{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Check()
			assert.Equal(t, tt.want, err == nil, "Check(%+v) = %v", tt.r, err)
			if err != nil {
				assert.ErrorIs(t, err, ErrRecipe)
			}
		})
	}
	assert.True(t, Recipe{}.IsZero())
	assert.False(t, ok.IsZero())
}
