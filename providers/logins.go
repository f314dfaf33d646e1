package providers

import (
	"context"
	"time"
)

// LoginToken is a token a backend got by logging in (a Vault AppRole,
// JWT, Kubernetes or certificate login), to be reused until shortly before
// it expires rather than obtained anew by every process.
type LoginToken struct {
	Token Secret
	// ExpiresAt is when the token stops working; zero when it does not
	// expire.
	ExpiresAt time.Time
	// Renewable says the token's life can be extended without a new login.
	Renewable bool
}

// LoginID names one login. The cache hashes Parts into its key, so a key
// never shows them; still, a part that is secret (a secret ID, a JWT) is
// passed as its own hash, so no secret is held in clear even in memory
// longer than the login needs. Label describes the login for `cache list`
// and logs and holds no secret.
type LoginID struct {
	Parts []string
	Label string
}

// ObtainLogin gets a token: by renewing old when it is set (a cached token,
// still valid, due for renewal) and renewable, else by logging in.
type ObtainLogin func(ctx context.Context, old *LoginToken) (LoginToken, error)

// LoginCache keeps login tokens across processes, in the token cache's
// store and under its rules (hashed keys, records bound to their key,
// one fetch per key across processes).
type LoginCache interface {
	// Login returns id's cached token while it is fresh (reused=true);
	// otherwise it calls obtain under id's cross-process lock and keeps
	// what it returns. When obtain fails while the cached token is still
	// valid, that token is returned, with a warning.
	Login(ctx context.Context, id LoginID, obtain ObtainLogin) (tok LoginToken, reused bool, err error)
	// Drop forgets id's token: the backend refused it.
	Drop(ctx context.Context, id LoginID)
}
