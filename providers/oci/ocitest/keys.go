package ocitest

import (
	"crypto/rsa"
	"sync"
)

// Keys is the fake identity store: which public key verifies which key
// id. It is safe for concurrent use.
type Keys struct {
	mu sync.RWMutex
	m  map[string]*rsa.PublicKey
}

// NewKeys returns an empty store.
func NewKeys() *Keys {
	return &Keys{m: map[string]*rsa.PublicKey{}}
}

// Add registers pub for keyID.
func (k *Keys) Add(keyID string, pub *rsa.PublicKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[keyID] = pub
}

// Remove forgets keyID (a revoked key).
func (k *Keys) Remove(keyID string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, keyID)
}

// Lookup returns the public key registered for keyID.
func (k *Keys) Lookup(keyID string) (*rsa.PublicKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	pub, ok := k.m[keyID]
	return pub, ok
}

// AddSession registers a session token's key: requests signed with the
// session key carry keyId "ST$<token>".
func (k *Keys) AddSession(token string, pub *rsa.PublicKey) {
	k.Add("ST$"+token, pub)
}
