package front

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestRunChild drives the Windows hand-off's code with a real child
// process: a script standing in for the engine that echoes its arguments
// and stdin and exits with a chosen status.
func TestRunChild(t *testing.T) {
	dir := t.TempDir()
	engine := filepath.Join(dir, "regcred-engine")
	testkit.WriteFileMode(t, engine, "#!/bin/sh\necho \"args: $*\"\necho \"stdin: $(cat)\"\necho oops >&2\nexit \"${CODE:-0}\"\n", 0o700)
	tests := []struct {
		name, code, consumed, rest string
		want                       int
	}{
		{name: "success", code: "0", consumed: "quay.io", rest: "", want: 0},
		{name: "not found exit 1", code: "1", consumed: "reg.example", rest: ".com\n", want: 1},
		{name: "another status", code: "7", consumed: "", rest: "all of stdin\n", want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CODE", tt.code)
			var stdout, stderr bytes.Buffer
			err := runChild("the engine", engine, []string{"docker-credential-regcred", "get", "--x"}, os.Environ(), []byte(tt.consumed),
				strings.NewReader(tt.rest), &stdout, &stderr)
			var ec exitCode
			require.ErrorAs(t, err, &ec)
			assert.Equal(t, tt.want, int(ec))
			assert.Equal(t, "args: get --x\nstdin: "+strings.TrimSuffix(tt.consumed+tt.rest, "\n")+"\n", stdout.String())
			assert.Equal(t, "oops\n", stderr.String())
		})
	}
}

func TestRunChildMissingEngine(t *testing.T) {
	engine := filepath.Join(t.TempDir(), "regcred-engine")
	err := runChild("the engine", engine, []string{"docker-credential-regcred", "get"}, os.Environ(), nil, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	testkit.WantErr(t, err, fs.ErrNotExist, "running the engine "+engine)
}
