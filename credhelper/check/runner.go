package check

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// Resolver is what check needs of the engine's resolver.
type Resolver interface {
	// Entries are every entry in try order: the config's, then the
	// built-in ones from ConfigEntries on.
	Entries() []*config.Entry
	ConfigEntries() int
	// Match lists the entries whose pattern matches t; Candidates adds a
	// stored login where a client's request would meet it.
	Match(t matcher.Target) []*config.Entry
	Candidates(ctx context.Context, t matcher.Target) []*config.Entry
	// Try asks one entry, through the token cache, as a request would.
	Try(ctx context.Context, e *config.Entry, t matcher.Target) (providers.Credential, error)
	// StoredLogins are the entries standing for the logins regcred keeps;
	// HasLogin says whether registry has one.
	StoredLogins(ctx context.Context) []*config.Entry
	HasLogin(registry string) bool
	// Cache is the token cache, nil without one.
	Cache() *cache.Cache
}

// Runner runs `check`. The engine hands it what it needs, so this package
// never imports the engine's.
type Runner struct {
	Stdout     io.Writer
	Logger     *slog.Logger
	Now        func() time.Time
	HTTPClient *http.Client
	LookupEnv  func(string) (string, bool)
	Home       string
	// Open loads the config and builds the resolver a client's request
	// would meet, and says which file it read ("" for none). Its error is
	// reported as the config's problems, one per line.
	Open func() (r Resolver, configPath string, err error)
}
