package static

import (
	"context"

	"github.com/regcred/regcred/providers/static/staticread"
)

// value reads one source (staticread.Value, shared with the front) and
// logs what the front would hand off on: a file others could read or
// change is used, with a warning.
func (p *Provider) value(ctx context.Context, s staticread.Source) (string, error) {
	v, warning, err := staticread.Value(ctx, s, p.lookupEnv)
	p.warn(warning)
	return v, err
}

// readFile is staticread.ReadFile, its warning logged.
func (p *Provider) readFile(ctx context.Context, what, name string) (staticread.File, error) {
	f, err := staticread.ReadFile(ctx, what, name, p.lookupEnv)
	if err == nil {
		p.warn(f.Warning)
	}
	return f, err
}

func (p *Provider) warn(warning string) {
	if warning != "" {
		p.logger.Warn("static: " + warning)
	}
}
