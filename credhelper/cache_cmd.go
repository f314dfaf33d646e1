package credhelper

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/matcher"
)

// cacheCommand runs `cache list` and `cache clear [registry]`.
func (a *App) cacheCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: cache list | cache clear [registry]", ErrUsage)
	}
	r, err := a.loadResolver()
	if err != nil {
		return err
	}
	switch {
	case args[0] == "list" && len(args) == 1:
		return a.cacheList(ctx, r)
	case args[0] == "clear" && len(args) <= 2:
		registry := ""
		if len(args) == 2 {
			t, err := matcher.Normalize(args[1])
			if err != nil {
				return err
			}
			registry = t.Registry()
		}
		n, err := r.cache.Clear(ctx, registry)
		if err != nil {
			return fmt.Errorf("clearing the cache: %w", err)
		}
		_, err = fmt.Fprintf(a.Stdout, "cleared %d cached credential%s\n", n, cli.Plural(n, "", "s"))
		return err
	}
	return fmt.Errorf("%w: cache list | cache clear [registry]", ErrUsage)
}

// cacheList prints what the cache holds: never a secret, by construction
// (cache.Info has no field for one).
func (a *App) cacheList(ctx context.Context, r *Resolver) error {
	infos, err := r.cache.List(ctx)
	if err != nil {
		return fmt.Errorf("listing the cache: %w", err)
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KEY\tREGISTRY\tENTRY\tSTORE\tEXPIRES")
	now := a.Deps.Now()
	for _, in := range infos {
		if in.Damaged != "" {
			fmt.Fprintf(w, "%s\t\t\t%s\tunreadable: %s\n", in.Key[:min(12, len(in.Key))], in.Store, in.Damaged)
			continue
		}
		expires := in.ExpiresAt.Format(time.RFC3339)
		if in.LongLived {
			expires += " (ttl)"
		}
		if !in.ExpiresAt.After(now) {
			expires += " (expired)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", in.Key[:min(12, len(in.Key))], in.Registry, in.Source, in.Store, expires)
	}
	return w.Flush()
}
