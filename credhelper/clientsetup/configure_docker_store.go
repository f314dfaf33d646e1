package clientsetup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/regcred/regcred/credhelper/userfile"
	"github.com/regcred/regcred/providers/helperexec"
)

// listTimeout bounds the old store's `list`.
const listTimeout = 20 * time.Second

// configureCredsStore makes regcred docker's credsStore. When that
// replaces another store X, the logins X holds stay reachable: X's `list`
// is run once and each server it names gets a fallback entry
// `helper: {name: X}` at the end of regcred's config, written first, so
// docker never points at regcred before the fallback is there.
func (cs *Runner) configureCredsStore(ctx context.Context, dockerPath string, dryRun bool) error {
	oldDocker, err := readOptional(dockerPath)
	if err != nil {
		return err
	}
	newDocker, previous, err := setCredsStore(dockerPath, oldDocker)
	if err != nil {
		return err
	}
	cfgPath, servers, err := cs.fallbackServers(ctx, previous)
	if err != nil {
		return err
	}
	if dryRun {
		out := unifiedDiff(dockerPath, redactDockerSecrets(oldDocker), redactDockerSecrets(newDocker))
		if len(servers) > 0 {
			oldCfg, err := readOptional(cfgPath)
			if err != nil {
				return err
			}
			newCfg, err := addHelperEntries(oldCfg, previous, servers)
			if err != nil {
				return fmt.Errorf("%s: %w", cfgPath, err)
			}
			out += unifiedDiff(cfgPath, oldCfg, newCfg)
		}
		if out == "" {
			out = "# " + dockerPath + " already has regcred as credsStore; nothing would change\n"
		}
		_, err = fmt.Fprint(cs.Stdout, out)
		return err
	}
	if len(servers) > 0 {
		_, err := userfile.Edit(ctx, cfgPath, userfile.Options{Mode: 0o600, DirMode: 0o700}, func(old []byte, _ bool) ([]byte, error) {
			return addHelperEntries(old, previous, servers)
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(cs.Stdout, "updated %s: %d fallback entr%s asking %s%s for the logins it holds\n", cfgPath, len(servers), pluralY(len(servers)), helperexec.Prefix, previous)
	}
	res, err := userfile.Edit(ctx, dockerPath, dockerConfigFile(), func(old []byte, _ bool) ([]byte, error) {
		b, _, err := setCredsStore(dockerPath, old)
		return b, err
	})
	if err != nil {
		return err
	}
	if !res.Changed {
		_, err = fmt.Fprintf(cs.Stdout, "%s already has regcred as credsStore\n", dockerPath)
		return err
	}
	_, err = fmt.Fprintf(cs.Stdout, "updated %s: credsStore → regcred\n", dockerPath)
	return err
}

func pluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// fallbackServers runs the previous store's list: the servers it holds a
// login for, and the regcred config file to add their entries to. A store
// that is not installed or fails is reported on stderr and adds nothing.
func (cs *Runner) fallbackServers(ctx context.Context, previous string) (string, []string, error) {
	if previous == "" || previous == HelperName {
		return "", nil, nil
	}
	cfg, err := cs.LoadConfig()
	if err != nil {
		return "", nil, err
	}
	path := cfg.Path
	if path == "" {
		path = cs.ConfigFile
	}
	if path == "" {
		return "", nil, errors.New("no regcred config file to add the old credsStore's fallback entries to; pass --config")
	}
	exe, err := helperexec.Find(previous, "")
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, listTimeout)
		defer cancel()
		var listed map[string]string
		if listed, err = helperexec.List(ctx, cs.Logger, exe); err == nil {
			servers := newServers(cfg, previous, listed)
			fmt.Fprintf(cs.Stderr, "note: credsStore was %q; %d of its logins get a fallback entry in %s\n", previous, len(servers), path)
			return path, servers, nil
		}
	}
	fmt.Fprintf(cs.Stderr, "note: credsStore was %q, whose logins could not be listed (%v); add `helper: {name: %s}` entries to %s for the registries it holds\n", previous, err, previous, path)
	return path, nil, nil
}

// setCredsStore sets credsStore to regcred in the docker config old and
// returns the new content and the store it replaced ("" for none).
func setCredsStore(path string, old []byte) ([]byte, string, error) {
	obj, err := parseOrderedObject(old)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w; fix or move it, then run configure-docker again", path, err)
	}
	var previous string
	if raw, ok := obj.get("credsStore"); ok && json.Unmarshal(raw, &previous) != nil {
		return nil, "", fmt.Errorf("%s: credsStore is not a string", path)
	}
	if previous == HelperName {
		return old, previous, nil
	}
	value, _ := json.Marshal(HelperName)
	out, err := obj.set("credsStore", value).render(detectIndent(old))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return out, previous, nil
}

// readOptional reads path; a missing file is empty.
func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}
