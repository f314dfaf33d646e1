package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/providers"
)

// SystemConfigPath is the last place a config is looked for.
const SystemConfigPath = configpath.System

// Env is what the loader needs from the process environment.
type Env = configpath.Env

// Load finds, reads and parses the config. With no file anywhere it
// returns the built-in default (cloud registries with ambient credentials).
func Load(flagPath string, env Env, log *slog.Logger) (*Config, error) {
	paths, explicit := configpath.Candidates(flagPath, env)
	for _, p := range paths {
		data, info, err := providers.ReadFileLimitedInfo(p, maxConfigSize)
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		cfg, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		warnWritableConfig(p, info, log)
		warnInlineSecrets(cfg, info, log)
		return cfg, nil
	}
	return &Config{}, nil
}

// warnInlineSecrets warns once per entry whose password sits in a file that
// others can read. Allowed, because it is sometimes the only option, but
// worth a nudge towards passwordFile or passwordEnv.
func warnInlineSecrets(cfg *Config, info fs.FileInfo, log *slog.Logger) {
	if info.Mode().Perm()&0o077 == 0 {
		return
	}
	for i := range cfg.Registries {
		e := &cfg.Registries[i]
		if s, ok := e.settings.(interface{ HasInlineSecret() bool }); ok && s.HasInlineSecret() {
			log.Warn("config file holding an inline secret is readable by group or others; chmod 600 it or read the secret from a file or an environment variable",
				"entry", e.String(), "mode", fmt.Sprintf("%04o", info.Mode().Perm()))
		}
	}
}

// warnWritableConfig: whoever can write the config can point an entry's
// endpoint or address at a server of theirs and collect its tokens.
func warnWritableConfig(path string, info fs.FileInfo, log *slog.Logger) {
	if perm := info.Mode().Perm(); perm&0o022 != 0 {
		log.Warn("config file is writable by group or others, who could redirect its credentials; chmod go-w it",
			"path", path, "mode", fmt.Sprintf("%04o", perm))
	}
}
