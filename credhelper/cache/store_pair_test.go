package cache

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStorePairListsAKeyInBothOnceAsTheFirsts(t *testing.T) {
	ctx := context.Background()
	first, _ := openFile(t)
	second, _ := openFile(t)
	both, onlyFirst, onlySecond := testKey("both"), testKey("first"), testKey("second")
	inFirst, inSecond := entryAt(t0), entryAt(t0)
	inFirst.Source, inSecond.Source = "first-source", "second-source"
	require.NoError(t, first.Put(ctx, both, inFirst))
	require.NoError(t, second.Put(ctx, both, inSecond))
	require.NoError(t, first.Put(ctx, onlyFirst, inFirst))
	require.NoError(t, second.Put(ctx, onlySecond, inSecond))

	infos, err := listBoth(ctx, first, second)
	require.NoError(t, err)
	sources := map[string]string{}
	for _, i := range infos {
		_, dup := sources[i.Key]
		assert.False(t, dup, "%s listed twice", i.Key)
		sources[i.Key] = i.Source
	}
	assert.Equal(t, map[string]string{both: "first-source", onlyFirst: "first-source", onlySecond: "second-source"}, sources)

	require.NoError(t, deleteFromBoth(ctx, both, first, second))
	for _, s := range []*fileStore{first, second} {
		_, ok, err := s.Get(ctx, both)
		require.NoError(t, err)
		assert.False(t, ok, "a copy of the deleted key remains")
	}
	assert.Error(t, deleteFromBoth(ctx, "not-a-key", first, second), "a key that is no cache key")
}
