package check

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/matcher"
)

const usage = "check [--verify] [--allow-http] [--kubelet-config FILE] [--output table|json] [registry|image ...]"

// options is the parsed `check` command line.
type options struct {
	verify    bool
	allowHTTP bool
	json      bool
	targets   []string
	// kubeletConfig is a kubelet CredentialProviderConfig whose providers'
	// matchImages are checked for overlaps.
	kubeletConfig string
}

func parseArgs(args []string) (options, error) {
	var o options
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--verify":
			o.verify = true
		case arg == "--allow-http":
			o.allowHTTP = true
		case arg == "--output" || arg == "-o":
			if i+1 >= len(args) {
				return o, fmt.Errorf("%w: %s needs table or json (%s)", cli.ErrUsage, arg, usage)
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
				return o, fmt.Errorf("%w: --kubelet-config needs a file (%s)", cli.ErrUsage, usage)
			}
			i++
			o.kubeletConfig = args[i]
		case strings.HasPrefix(arg, "--kubelet-config="):
			o.kubeletConfig = strings.TrimPrefix(arg, "--kubelet-config=")
			if o.kubeletConfig == "" {
				return o, fmt.Errorf("%w: --kubelet-config needs a file (%s)", cli.ErrUsage, usage)
			}
		case arg == "--":
			o.targets = append(o.targets, args[i+1:]...)
			return o, nil
		case strings.HasPrefix(arg, "-"):
			return o, fmt.Errorf("%w: check: unknown option %s (%s)", cli.ErrUsage, cli.Truncate(arg, 64), usage)
		default:
			o.targets = append(o.targets, arg)
		}
	}
	return o, nil
}

func (o *options) setOutput(v string) error {
	switch v {
	case "table":
		o.json = false
	case "json":
		o.json = true
	default:
		return fmt.Errorf("%w: --output %q: expected table or json", cli.ErrUsage, cli.Truncate(v, 32))
	}
	return nil
}

// errCheckFailed is check's error when the report itself says what failed;
// its text is the one-line summary.
var errCheckFailed = errors.New("check failed")

// Run is `docker-credential-regcred check`: validate the config, show
// what each entry serves, resolve each entry (or the named requests),
// optionally prove the credentials against the registries, and exit 1 when
// anything failed. The report never holds a secret.
func (c *Runner) Run(ctx context.Context, args []string) error {
	opts, err := parseArgs(args)
	if err != nil {
		return err
	}
	targets := make([]matcher.Target, len(opts.targets))
	for i, s := range opts.targets {
		if targets[i], err = matcher.Normalize(s); err != nil {
			return fmt.Errorf("check: %w", err)
		}
	}
	var kubelet *KubeletReport
	if opts.kubeletConfig != "" {
		if kubelet, err = readKubeletProviders(opts.kubeletConfig); err != nil {
			return fmt.Errorf("check: --kubelet-config: %w", err)
		}
		for _, w := range kubelet.Warnings {
			c.Logger.Warn("kubelet CredentialProviderConfig: overlapping providers", "file", kubelet.Path, "warning", w)
		}
	}
	rep := c.report(ctx, opts, targets)
	rep.Kubelet = kubelet
	if opts.json {
		err = writeJSONIndent(c.Stdout, rep)
	} else {
		err = rep.writeTable(c.Stdout, c.Now())
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if !rep.OK {
		return fmt.Errorf("%w: %s", errCheckFailed, rep.summary())
	}
	return nil
}
