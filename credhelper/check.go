package credhelper

import (
	"context"
	"errors"
	"fmt"
	"github.com/regcred/regcred/credhelper/cli"
	"strings"

	"github.com/regcred/regcred/matcher"
)

const checkUsage = "check [--verify] [--allow-http] [--kubelet-config FILE] [--output table|json] [registry|image ...]"

// checkOptions is the parsed `check` command line.
type checkOptions struct {
	verify    bool
	allowHTTP bool
	json      bool
	targets   []string
	// kubeletConfig is a kubelet CredentialProviderConfig whose providers'
	// matchImages are checked for overlaps.
	kubeletConfig string
}

func parseCheckArgs(args []string) (checkOptions, error) {
	var o checkOptions
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--verify":
			o.verify = true
		case arg == "--allow-http":
			o.allowHTTP = true
		case arg == "--output" || arg == "-o":
			if i+1 >= len(args) {
				return o, fmt.Errorf("%w: %s needs table or json (%s)", ErrUsage, arg, checkUsage)
			}
			i++
			if err := o.setOutput(args[i]); err != nil {
				return o, err
			}
		case strings.HasPrefix(arg, "--output="):
			if err := o.setOutput(strings.TrimPrefix(arg, "--output=")); err != nil {
				return o, err
			}
		case arg == "--kubelet-config":
			if i+1 >= len(args) || args[i+1] == "" {
				return o, fmt.Errorf("%w: --kubelet-config needs a file (%s)", ErrUsage, checkUsage)
			}
			i++
			o.kubeletConfig = args[i]
		case strings.HasPrefix(arg, "--kubelet-config="):
			o.kubeletConfig = strings.TrimPrefix(arg, "--kubelet-config=")
			if o.kubeletConfig == "" {
				return o, fmt.Errorf("%w: --kubelet-config needs a file (%s)", ErrUsage, checkUsage)
			}
		case arg == "--":
			o.targets = append(o.targets, args[i+1:]...)
			return o, nil
		case strings.HasPrefix(arg, "-"):
			return o, fmt.Errorf("%w: check: unknown option %s (%s)", ErrUsage, cli.Truncate(arg, 64), checkUsage)
		default:
			o.targets = append(o.targets, arg)
		}
	}
	return o, nil
}

func (o *checkOptions) setOutput(v string) error {
	switch v {
	case "table":
		o.json = false
	case "json":
		o.json = true
	default:
		return fmt.Errorf("%w: --output %q: expected table or json", ErrUsage, cli.Truncate(v, 32))
	}
	return nil
}

// errCheckFailed is check's error when the report itself says what failed;
// its text is the one-line summary.
var errCheckFailed = errors.New("check failed")

// check is `docker-credential-regcred check`: validate the config, show
// what each entry serves, resolve each entry (or the named requests),
// optionally prove the credentials against the registries, and exit 1 when
// anything failed. The report never holds a secret.
func (a *App) check(ctx context.Context, args []string) error {
	opts, err := parseCheckArgs(args)
	if err != nil {
		return err
	}
	targets := make([]matcher.Target, len(opts.targets))
	for i, s := range opts.targets {
		if targets[i], err = matcher.Normalize(s); err != nil {
			return fmt.Errorf("check: %w", err)
		}
	}
	var kubelet *checkKubelet
	if opts.kubeletConfig != "" {
		if kubelet, err = readKubeletProviders(opts.kubeletConfig); err != nil {
			return fmt.Errorf("check: --kubelet-config: %w", err)
		}
		for _, w := range kubelet.Warnings {
			a.Deps.Logger.Warn("kubelet CredentialProviderConfig: overlapping providers", "file", kubelet.Path, "warning", w)
		}
	}
	rep := a.runCheck(ctx, opts, targets)
	rep.Kubelet = kubelet
	if opts.json {
		err = writeJSONIndent(a.Stdout, rep)
	} else {
		err = rep.writeTable(a.Stdout, a.Deps.Now())
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if !rep.OK {
		return fmt.Errorf("%w: %s", errCheckFailed, rep.summary())
	}
	return nil
}

// writesDocument reports the human commands whose stdout is a document (a
// report, a diff, a snippet): their error goes to stderr, so a script
// reading `check --output json` gets JSON only.
func writesDocument(verb string) bool {
	switch verb {
	case "check", "configure-docker", "setup":
		return true
	}
	return false
}
