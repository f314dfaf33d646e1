package clientsetup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/credhelper/userfile"
	"github.com/regcred/regcred/matcher"
)

const configureDockerUsage = "configure-docker [--dir DIR] [--dry-run] [--cloud] [--host HOST]... [--force] | configure-docker --creds-store [--dir DIR] [--dry-run]"

// HelperName is what docker's config calls regcred: the front's name
// without the docker-credential- prefix.
const HelperName = "regcred"

// dockerHubKey is the key docker's CLI uses for Docker Hub in its config.
const dockerHubKey = "https://index.docker.io/v1/"

type configureDockerOptions struct {
	dir                  string
	dryRun, cloud, force bool
	credsStore           bool
	hosts                []string
}

func parseConfigureDockerArgs(args []string) (configureDockerOptions, error) {
	var o configureDockerOptions
	for i := 0; i < len(args); i++ {
		arg, val, hasVal := strings.Cut(args[i], "=")
		needValue := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) || args[i+1] == "" {
				return "", fmt.Errorf("%w: %s needs a value (%s)", cli.ErrUsage, arg, configureDockerUsage)
			}
			i++
			return args[i], nil
		}
		var err error
		switch arg {
		case "--dir":
			o.dir, err = needValue()
		case "--host":
			var h string
			h, err = needValue()
			o.hosts = append(o.hosts, h)
		case "--dry-run":
			o.dryRun = true
		case "--cloud":
			o.cloud = true
		case "--force":
			o.force = true
		case "--creds-store":
			o.credsStore = true
		default:
			return o, fmt.Errorf("%w: configure-docker: unexpected %q (%s)", cli.ErrUsage, cli.Truncate(args[i], 64), configureDockerUsage)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// configureDocker adds credHelpers entries for regcred to docker's
// config.json: one per exact host of the config (and the clouds' hosts with
// --cloud, and --host ones), keeping everything else in the file,
// idempotently and atomically; --dry-run prints the diff instead.
func (cs *Runner) configureDocker(ctx context.Context, args []string) error {
	opts, err := parseConfigureDockerArgs(args)
	if err != nil {
		return err
	}
	dir := opts.dir
	if dir == "" {
		if dir, err = cs.dockerConfigDir(); err != nil {
			return err
		}
	}
	if opts.credsStore {
		return cs.configureCredsStore(ctx, filepath.Join(dir, "config.json"), opts.dryRun)
	}
	hosts, err := cs.dockerHelperHosts(opts)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "config.json")
	if opts.dryRun {
		return cs.showCredHelpersDiff(path, hosts, opts.force)
	}
	plan, res, err := editCredHelpers(ctx, path, hosts, opts.force)
	if err != nil {
		return err
	}
	cs.reportHelperChanges(plan)
	if !res.Changed {
		_, err := fmt.Fprintf(cs.Stdout, "%s already configured for regcred (%d host%s)\n", path, len(hosts), cli.Plural(len(hosts), "", "s"))
		return err
	}
	_, err = fmt.Fprintf(cs.Stdout, "updated %s: credHelpers → regcred for %s\n", path, strings.Join(plan.added(), ", "))
	return err
}

// showCredHelpersDiff prints what configure-docker would change.
func (cs *Runner) showCredHelpersDiff(path string, hosts []string, force bool) error {
	plan, err := planCredHelpers(path, hosts, force)
	if err != nil {
		return err
	}
	cs.reportHelperChanges(plan)
	diff := unifiedDiff(path, redactDockerSecrets(plan.old), redactDockerSecrets(plan.new))
	if diff == "" {
		diff = "# " + path + " is already configured; nothing would change\n"
	}
	_, err = fmt.Fprint(cs.Stdout, diff)
	return err
}

// editCredHelpers points hosts at regcred in the docker config at path,
// through userfile.Edit: the plan is made again from what the file holds
// under the edit's lock, so a concurrent edit is merged, not lost.
func editCredHelpers(ctx context.Context, path string, hosts []string, force bool) (credHelpersPlan, userfile.Result, error) {
	var plan credHelpersPlan
	res, err := userfile.Edit(ctx, path, dockerConfigFile(), func(old []byte, exists bool) ([]byte, error) {
		var err error
		plan, err = planCredHelpersFrom(path, old, hosts, force)
		return plan.new, err
	})
	return plan, res, err
}

// dockerConfigFile is how docker's own CLI makes its config: the file and
// its directory private (it holds logins).
func dockerConfigFile() userfile.Options { return userfile.Options{Mode: 0o600, DirMode: 0o700} }

// dockerConfigDir is $DOCKER_CONFIG, else ~/.docker.
func (cs *Runner) dockerConfigDir() (string, error) {
	return DockerConfigDir(cs.LookupEnv, cs.Home)
}

// DockerConfigDir is where docker keeps config.json: $DOCKER_CONFIG, else
// ~/.docker under home.
func DockerConfigDir(lookupEnv func(string) (string, bool), home string) (string, error) {
	if d, ok := lookupEnv("DOCKER_CONFIG"); ok && d != "" {
		return d, nil
	}
	if home == "" {
		return "", fmt.Errorf("%w: no home directory to find ~/.docker in; pass --dir", cli.ErrUsage)
	}
	return filepath.Join(home, ".docker"), nil
}

// dockerHelperHosts are the credHelpers keys to point at regcred: the
// config's exact hosts (anonymous entries aside: there is nothing to
// answer), --host ones, and with --cloud the clouds' hosts. Docker Hub is
// written both as docker's CLI spells it and as containers/image does.
func (cs *Runner) dockerHelperHosts(opts configureDockerOptions) ([]string, error) {
	cfg, err := cs.LoadConfig()
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, e := range cfg.Registries {
		if e.Pattern().HasGlob() || e.Kind() == "anonymous" {
			continue
		}
		hosts = append(hosts, e.Pattern().HostPort())
	}
	for _, h := range opts.hosts {
		t, err := matcher.Normalize(h)
		if err != nil {
			return nil, fmt.Errorf("--host: %w", err)
		}
		hosts = append(hosts, t.Registry())
	}
	if opts.cloud {
		hosts = append(hosts, cloudHosts()...)
	}
	if slices.Contains(hosts, "docker.io") {
		hosts = append(hosts, dockerHubKey)
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	if len(hosts) == 0 {
		return nil, fmt.Errorf("nothing to configure: the config names no exact registry host (a globbed pattern cannot be a credHelpers key); " +
			"name hosts with --host, add --cloud, or put \"credsStore\": \"regcred\" in config.json to ask regcred about every registry")
	}
	return hosts, nil
}

// credHelpersPlan is the file before and after, and what changed.
type credHelpersPlan struct {
	path     string
	old, new []byte
	changes  []helperChange
	stale    []string // hosts with a stored credential in auths that docker will no longer use
}

func (p credHelpersPlan) changed() bool { return len(p.added()) > 0 }

func (p credHelpersPlan) added() []string {
	var out []string
	for _, c := range p.changes {
		if c.added {
			out = append(out, c.host)
		}
	}
	return out
}

// planCredHelpers reads path (a missing file is an empty config) and
// computes the new content. Nothing is written.
func planCredHelpers(path string, hosts []string, force bool) (credHelpersPlan, error) {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return credHelpersPlan{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return planCredHelpersFrom(path, old, hosts, force)
}

// planCredHelpersFrom computes what the docker config at path, holding
// old, becomes.
func planCredHelpersFrom(path string, old []byte, hosts []string, force bool) (credHelpersPlan, error) {
	obj, err := parseOrderedObject(old)
	if err != nil {
		return credHelpersPlan{}, fmt.Errorf("%s: %w; fix or move it, then run configure-docker again", path, err)
	}
	plan := credHelpersPlan{path: path, old: old}
	obj, plan.changes, err = setCredHelpers(obj, hosts, HelperName, force)
	if err != nil {
		return credHelpersPlan{}, fmt.Errorf("%s: %w", path, err)
	}
	plan.stale = staleAuths(obj, plan.added())
	if !plan.changed() {
		plan.new = old
		return plan, nil
	}
	if plan.new, err = obj.render(detectIndent(old)); err != nil {
		return credHelpersPlan{}, fmt.Errorf("%s: %w", path, err)
	}
	return plan, nil
}

// staleAuths lists hosts among added whose auths entry holds a credential.
func staleAuths(obj orderedObject, added []string) []string {
	raw, ok := obj.get("auths")
	if !ok {
		return nil
	}
	var auths map[string]map[string]any
	if json.Unmarshal(raw, &auths) != nil {
		return nil
	}
	var out []string
	for _, h := range added {
		for key, entry := range auths {
			t, err := matcher.Normalize(key)
			if err != nil || (t.Registry() != h && key != h) {
				continue
			}
			if entry["auth"] != nil || entry["identitytoken"] != nil || entry["password"] != nil {
				out = append(out, key)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// reportHelperChanges tells, on stderr, what was left alone and what is
// now unused.
func (cs *Runner) reportHelperChanges(p credHelpersPlan) {
	for _, c := range p.changes {
		switch {
		case c.kept:
			fmt.Fprintf(cs.Stderr, "note: credHelpers[%q] is %q; left alone (--force points it at regcred)\n", c.host, c.was)
		case c.was != "":
			fmt.Fprintf(cs.Stderr, "note: credHelpers[%q] was %q; now regcred\n", c.host, c.was)
		}
	}
	for _, h := range p.stale {
		fmt.Fprintf(cs.Stderr, "note: auths[%q] in %s holds a stored credential that docker will no longer use; remove it from the file\n", h, p.path)
	}
}
