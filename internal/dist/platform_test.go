package dist

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestParsePlatforms(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []Platform
		wantErr string
	}{
		{name: "none is all six", want: []Platform{
			{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}, {"windows", "arm64"},
		}},
		{name: "given order, duplicates dropped", args: []string{"windows/arm64", "linux/amd64", "windows/arm64"}, want: []Platform{{"windows", "arm64"}, {"linux", "amd64"}}},
		{name: "unreleased arch", args: []string{"linux/amd64", "linux/386"}, wantErr: `"linux/386"`},
		{name: "unreleased os", args: []string{"freebsd/amd64"}, wantErr: `"freebsd/amd64"`},
		{name: "no arch", args: []string{"linux"}, wantErr: `"linux"`},
		{name: "upper case", args: []string{"Linux/AMD64"}, wantErr: `"Linux/AMD64"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePlatforms(tt.args)
			if tt.wantErr != "" {
				testkit.WantErr(t, err, ErrPlatform, tt.wantErr, "linux/amd64, linux/arm64")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPlatformExe(t *testing.T) {
	assert.Equal(t, "regcred-engine.exe", Platform{"windows", "arm64"}.Exe("regcred-engine"))
	assert.Equal(t, "regcred-engine", Platform{"darwin", "arm64"}.Exe("regcred-engine"))
}
