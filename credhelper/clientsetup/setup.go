package clientsetup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"
	"github.com/regcred/regcred/credhelper/userfile"
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
					return o, fmt.Errorf("%w: --file needs a path (%s)", cli.ErrUsage, setupUsage)
				}
				i++
				val = args[i]
			}
			o.file = val
		case strings.HasPrefix(arg, "-") || o.target != "":
			return o, fmt.Errorf("%w: setup: unexpected %q (%s)", cli.ErrUsage, cli.Truncate(args[i], 64), setupUsage)
		default:
			o.target = arg
		}
	}
	if o.target == "" {
		return o, fmt.Errorf("%w: %s", cli.ErrUsage, setupUsage)
	}
	return o, nil
}

// snippet is one piece of configuration a client needs: where it goes and
// what it says. merge, when set, makes the file's new content from what it
// holds (docker's config.json, the kubelet's CredentialProviderConfig)
// instead of replacing it; it may run more than once (userfile.Edit
// starts over when another writer changed the file), so what it has to say
// waits for done, called once after. private files (docker's config.json,
// which holds logins) are made 0600 in a 0700 directory.
type snippet struct {
	title   string
	path    string
	content []byte
	merge   func(path string, old []byte) ([]byte, error)
	done    func()
	private bool
}

// setupPlan is what `setup <target>` prints or writes.
type setupPlan struct {
	snippets []snippet
	notes    []string
}

// setup prints, or with --write writes (backing up what it replaces), the
// configuration a client needs to use regcred.
func (cs *Runner) setup(ctx context.Context, args []string) error {
	opts, err := parseSetupArgs(args, os.Geteuid() == 0)
	if err != nil {
		return err
	}
	plan, err := cs.setupPlan(opts)
	if err != nil {
		return err
	}
	if opts.file != "" {
		if len(plan.snippets) != 1 {
			return fmt.Errorf("%w: --file: setup %s writes %d files", cli.ErrUsage, opts.target, len(plan.snippets))
		}
		plan.snippets[0].path = opts.file
	}
	var out bytes.Buffer
	for _, s := range plan.snippets {
		if err := cs.emitSnippet(ctx, &out, s, opts.write); err != nil {
			return err
		}
	}
	for _, n := range plan.notes {
		fmt.Fprintf(&out, "# %s\n", strings.ReplaceAll(n, "\n", "\n# "))
	}
	_, err = cs.Stdout.Write(out.Bytes())
	return err
}

func (cs *Runner) setupPlan(opts setupOptions) (setupPlan, error) {
	switch opts.target {
	case "podman":
		return cs.setupContainers(opts, false)
	case "crio", "cri-o":
		return cs.setupContainers(setupOptions{system: true}, true)
	case "kubelet":
		return cs.setupKubelet(opts.file)
	case "nerdctl":
		return cs.setupNerdctl()
	case "containerd":
		if opts.write {
			return setupPlan{}, errors.New("setup containerd: nothing to write: containerd runs no credential helper; see `setup containerd` for the options")
		}
		return setupContainerd(), nil
	}
	return setupPlan{}, fmt.Errorf("%w: setup: unknown client %q; expected podman, crio, kubelet, nerdctl or containerd", cli.ErrUsage, cli.Truncate(opts.target, 32))
}

// emitSnippet prints s, or with write edits its file through
// userfile.Edit: a whole-file snippet replaces the file, a merged one is
// merged into what the file holds; either way the previous file is backed
// up and its owner and mode kept.
func (cs *Runner) emitSnippet(ctx context.Context, out *bytes.Buffer, s snippet, write bool) error {
	if !write {
		return cs.showSnippet(out, s)
	}
	opts := userfile.Options{Mode: 0o644, DirMode: 0o755, Backup: true, Now: cs.Now} // client configs hold no secret and other users' tools read them
	if s.private {
		opts.Mode, opts.DirMode = dockerConfigFile().Mode, dockerConfigFile().DirMode
	}
	change := func([]byte, bool) ([]byte, error) { return s.content, nil }
	if s.merge != nil {
		change = func(old []byte, _ bool) ([]byte, error) { return s.merge(s.path, old) }
	}
	res, err := userfile.Edit(ctx, s.path, opts, change)
	if err != nil {
		return err
	}
	if s.done != nil {
		s.done()
	}
	switch {
	case !res.Changed && s.merge != nil:
		fmt.Fprintf(out, "# %s: %s already configured\n", s.title, s.path)
	case !res.Changed:
		fmt.Fprintf(out, "# %s: %s unchanged\n", s.title, s.path)
	case res.Backup != "":
		fmt.Fprintf(out, "# %s: wrote %s (previous file: %s)\n", s.title, s.path, res.Backup)
	default:
		fmt.Fprintf(out, "# %s: wrote %s\n", s.title, s.path)
	}
	return nil
}

// showSnippet prints what s would write (merged into the file as it is
// now), secrets redacted.
func (cs *Runner) showSnippet(out *bytes.Buffer, s snippet) error {
	content := s.content
	if s.merge != nil {
		old, err := os.ReadFile(s.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("reading %s: %w", s.path, err)
		}
		if content, err = s.merge(s.path, old); err != nil {
			return err
		}
		if s.done != nil {
			s.done()
		}
	}
	fmt.Fprintf(out, "# %s\n# %s\n", s.title, s.path)
	shown := redactDockerSecrets(content)
	out.Write(shown)
	if len(shown) > 0 && shown[len(shown)-1] != '\n' {
		out.WriteByte('\n')
	}
	out.WriteByte('\n')
	return nil
}
