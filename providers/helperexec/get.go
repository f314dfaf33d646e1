package helperexec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/regcred/regcred/providers"
)

// DockerHubServer is how docker names Docker Hub to a helper.
const DockerHubServer = "https://index.docker.io/v1/"

// ServerFor is the server a helper is asked about for registry (host[:port],
// Docker Hub as docker.io): the form docker sends, since that is the form
// docker stored logins under.
func ServerFor(registry string) string {
	if registry == "docker.io" {
		return DockerHubServer
	}
	return registry
}

// answer is a helper's `get` answer.
type answer struct {
	ServerURL string `json:"ServerURL"`
	Username  string `json:"Username"`
	Secret    string `json:"Secret"`
}

// Get asks the helper exe for server's credential. The helper's "not
// found" is providers.ErrNotFound; an answer without a secret too.
func Get(ctx context.Context, log *slog.Logger, exe, server string) (providers.Credential, error) {
	out, err := run(ctx, log, exe, "get", server)
	if errors.Is(err, errNotFoundAnswer) {
		return providers.Credential{}, fmt.Errorf("%w: credential helper %s holds nothing for %s", providers.ErrNotFound, filepath.Base(exe), server)
	}
	if err != nil {
		return providers.Credential{}, err
	}
	var a answer
	if err := json.Unmarshal(out, &a); err != nil {
		return providers.Credential{}, fmt.Errorf("%w: credential helper %s get answered something that is not a JSON credential (not shown)", providers.ErrInvalid, filepath.Base(exe))
	}
	if a.Secret == "" {
		return providers.Credential{}, fmt.Errorf("%w: credential helper %s answered no secret for %s", providers.ErrNotFound, filepath.Base(exe), server)
	}
	return providers.Credential{Username: a.Username, Secret: providers.Secret(a.Secret)}, nil
}

// List runs the helper's `list`: the servers it holds, each with its
// username.
func List(ctx context.Context, log *slog.Logger, exe string) (map[string]string, error) {
	out, err := run(ctx, log, exe, "list", "")
	if errors.Is(err, errNotFoundAnswer) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("%w: credential helper %s list answered something that is not a JSON object of servers (not shown)", providers.ErrInvalid, filepath.Base(exe))
	}
	return m, nil
}
