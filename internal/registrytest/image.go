package registrytest

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/stretchr/testify/require"
)

// Push writes a small random image to repo:tag with the registry's user and
// returns its reference.
func (r *Registry) Push(t testing.TB, repoTag string) name.Reference {
	t.Helper()
	ref, err := name.ParseReference(r.Addr+"/"+repoTag, name.Insecure)
	require.NoError(t, err)
	img, err := random.Image(512, 1)
	require.NoError(t, err)
	auth := authn.FromConfig(authn.AuthConfig{Username: r.Username, Password: r.Password})
	require.NoError(t, remote.Write(ref, img, remote.WithAuth(auth), remote.WithContext(t.Context())), "pushing %s", ref)
	return ref
}
