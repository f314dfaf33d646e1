package cache

import (
	"context"
	"errors"
)

// deleteFromBoth removes key from the two stores of a pair (the keyring and
// its file fallback, the sealed store and the rest), from both even when
// the first fails: the caller wants the entry gone and must hear if a copy
// may remain.
func deleteFromBoth(ctx context.Context, key string, first, second Store) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	return errors.Join(first.Delete(ctx, key), second.Delete(ctx, key))
}

// listBoth merges the lists of the two stores of a pair; a key in both is
// shown once, as first's, since that is the copy Get serves.
func listBoth(ctx context.Context, first, second Store) ([]Info, error) {
	a, aerr := first.List(ctx)
	b, berr := second.List(ctx)
	seen := make(map[string]bool, len(a))
	for _, i := range a {
		seen[i.Key] = true
	}
	for _, i := range b {
		if !seen[i.Key] {
			a = append(a, i)
		}
	}
	return a, errors.Join(aerr, berr)
}
