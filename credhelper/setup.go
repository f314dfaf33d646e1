package credhelper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

const setupUsage = "setup podman|crio|kubelet|nerdctl|containerd [--write] [--file PATH] [--user|--system]"

type setupOptions struct {
	target string
	write  bool
	file   string // overrides the snippet's path (targets with one file)
	system bool   // system-wide paths (/etc) instead of the user's
}

func parseSetupArgs(args []string, isRoot bool) (setupOptions, error) {
	o := setupOptions{system: isRoot}
	for i := 0; i < len(args); i++ {
		arg, val, hasVal := strings.Cut(args[i], "=")
		switch {
		case arg == "--write":
			o.write = true
		case arg == "--user":
			o.system = false
		case arg == "--system":
			o.system = true
		case arg == "--file":
			if !hasVal {
				if i+1 >= len(args) || args[i+1] == "" {
					return o, fmt.Errorf("%w: --file needs a path (%s)", ErrUsage, setupUsage)
				}
				i++
				val = args[i]
			}
			o.file = val
		case strings.HasPrefix(arg, "-") || o.target != "":
			return o, fmt.Errorf("%w: setup: unexpected %q (%s)", ErrUsage, truncate(args[i], 64), setupUsage)
		default:
			o.target = arg
		}
	}
	if o.target == "" {
		return o, fmt.Errorf("%w: %s", ErrUsage, setupUsage)
	}
	return o, nil
}

// snippet is one piece of configuration a client needs: where it goes and
// what it says. merge, when set, edits an existing file instead of
// replacing it (docker's config.json).
type snippet struct {
	title   string
	path    string
	content []byte
	merge   func(path string) (credHelpersPlan, error)
}

// setupPlan is what `setup <target>` prints or writes.
type setupPlan struct {
	snippets []snippet
	notes    []string
}

// setup prints, or with --write writes (backing up what it replaces), the
// configuration a client needs to use regcred.
func (a *App) setup(_ context.Context, args []string) error {
	opts, err := parseSetupArgs(args, os.Geteuid() == 0)
	if err != nil {
		return err
	}
	plan, err := a.setupPlan(opts)
	if err != nil {
		return err
	}
	if opts.file != "" {
		if len(plan.snippets) != 1 {
			return fmt.Errorf("%w: --file: setup %s writes %d files", ErrUsage, opts.target, len(plan.snippets))
		}
		plan.snippets[0].path = opts.file
	}
	var out bytes.Buffer
	for _, s := range plan.snippets {
		if err := a.emitSnippet(&out, s, opts.write); err != nil {
			return err
		}
	}
	for _, n := range plan.notes {
		fmt.Fprintf(&out, "# %s\n", strings.ReplaceAll(n, "\n", "\n# "))
	}
	_, err = a.Stdout.Write(out.Bytes())
	return err
}

func (a *App) setupPlan(opts setupOptions) (setupPlan, error) {
	switch opts.target {
	case "podman":
		return a.setupContainers(opts, false)
	case "crio", "cri-o":
		return a.setupContainers(setupOptions{system: true}, true)
	case "kubelet":
		return a.setupKubelet()
	case "nerdctl":
		return a.setupNerdctl()
	case "containerd":
		if opts.write {
			return setupPlan{}, errors.New("setup containerd: nothing to write: containerd runs no credential helper; see `setup containerd` for the options")
		}
		return setupContainerd(), nil
	}
	return setupPlan{}, fmt.Errorf("%w: setup: unknown client %q; expected podman, crio, kubelet, nerdctl or containerd", ErrUsage, truncate(opts.target, 32))
}

// emitSnippet prints s, or writes it: a whole file is backed up and
// replaced (unless unchanged); a merged file goes through the same
// atomic, idempotent edit as configure-docker.
func (a *App) emitSnippet(out *bytes.Buffer, s snippet, write bool) error {
	if s.merge != nil {
		plan, err := s.merge(s.path)
		if err != nil {
			return err
		}
		a.reportHelperChanges(plan)
		s.content = plan.new
		if write && !plan.changed() {
			fmt.Fprintf(out, "# %s: %s already configured\n", s.title, s.path)
			return nil
		}
	}
	if !write {
		fmt.Fprintf(out, "# %s\n# %s\n", s.title, s.path)
		shown := redactDockerSecrets(s.content)
		out.Write(shown)
		if len(shown) > 0 && shown[len(shown)-1] != '\n' {
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
		return nil
	}
	old, mode, exists, err := readOptional(s.path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.path, err)
	}
	if exists && bytes.Equal(old, s.content) {
		fmt.Fprintf(out, "# %s: %s unchanged\n", s.title, s.path)
		return nil
	}
	if !exists {
		mode = 0o644 // client configs hold no secret and other users' tools read them
		if s.merge != nil {
			mode = 0o600
		}
	}
	bak, err := backupFile(s.path, a.Deps.Now())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.path, s.content, mode); err != nil {
		return err
	}
	if bak != "" {
		fmt.Fprintf(out, "# %s: wrote %s (previous file: %s)\n", s.title, s.path, bak)
	} else {
		fmt.Fprintf(out, "# %s: wrote %s\n", s.title, s.path)
	}
	return nil
}
