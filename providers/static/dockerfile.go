package static

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/providers/static/staticread"
)

// parseDockerFile reads any of the accepted formats: JSON ones as the
// front does (staticread.ParseJSON), and a Kubernetes Secret manifest in
// YAML, which only the engine reads. Its errors describe the structure
// only: the caller adds the file name, and no error quotes content, which
// is mostly secret.
func parseDockerFile(data []byte) (staticread.DockerFile, error) {
	df, err := staticread.ParseJSON(data)
	if !errors.Is(err, staticread.ErrNotJSON) {
		return df, err
	}
	var m staticread.SecretManifest
	if err := yaml.Unmarshal(staticread.Trim(data), &m); err != nil {
		return staticread.DockerFile{}, fmt.Errorf("neither JSON nor a YAML Kubernetes Secret%s", yamlLine(err))
	}
	if m.Kind != "Secret" {
		return staticread.DockerFile{}, errors.New("neither JSON nor a YAML Kubernetes Secret (no \"kind: Secret\")")
	}
	return staticread.SecretPayload(m)
}

// yamlLine keeps the line number of a YAML error and drops the rest,
// which quotes the offending text.
func yamlLine(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, _, ok := strings.Cut(rest, ":"); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return " (YAML error at line " + n + ")"
			}
		}
	}
	return ""
}
