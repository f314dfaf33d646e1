package acrtest

import (
	"maps"
	"slices"
)

// IssuedTokens lists every access token Entra issued, for leak scans.
func (e *Entra) IssuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Collect(maps.Keys(e.issued))
}

// IssuedTokens lists every refresh token the registry issued, for leak
// scans.
func (r *Registry) IssuedTokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Collect(maps.Keys(r.refresh))
}
