package clientsetup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKubeletNotesNameEveryExecutable: the first note says what must sit
// in the kubelet's bin dir; a directory missing one of them is a broken
// install (the front runs the other two from there).
func TestKubeletNotesNameEveryExecutable(t *testing.T) {
	cs := &Runner{FrontName: "front-x", EngineName: "engine-x", FetcherName: "fetcher-x", BinDir: "/opt/plugins"}
	notes := cs.kubeletNotes("/etc/kubernetes/credential-providers.yaml", false)
	require.NotEmpty(t, notes)
	assert.Contains(t, notes[0], "front-x, engine-x and fetcher-x sit side by side in the kubelet's bin dir")
	assert.Contains(t, notes[0], "--image-credential-provider-bin-dir=/opt/plugins (where these executables run from now")
}
