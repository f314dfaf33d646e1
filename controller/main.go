package controller

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers/netdeps"
)

// flags are the command line, in controller-runtime's conventions.
type flags struct {
	kubeconfig, config, metricsAddr, probeAddr, leaseNamespace string
	leaderElect                                                bool
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet(Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: the in-cluster config)")
	fs.StringVar(&f.config, "config", "", "regcred config file (default: $REGCRED_CONFIG, then the usual lookup)")
	fs.BoolVar(&f.leaderElect, "leader-elect", false, "elect a leader through a Lease, so replicas make one backend call per refresh")
	fs.StringVar(&f.leaseNamespace, "leader-election-namespace", "", "namespace of the Lease (default: the pod's own namespace)")
	fs.StringVar(&f.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus /metrics endpoint (0 disables)")
	fs.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz (0 disables)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q (all settings are flags; see --help)", fs.Arg(0))
	}
	return f, nil
}

// Main runs regcred-controller until ctx ends; cmd/regcred-controller only
// calls it.
func Main(ctx context.Context, args []string) int {
	logger, err := credhelper.NewLogger(os.Stderr, envOr("REGCRED_LOG", "info"))
	if err != nil {
		fmt.Fprintln(os.Stderr, Name+":", err)
	}
	ctrl.SetLogger(logr.FromSlogHandler(logger.Handler()))
	f, err := parseFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = run(ctx, f, logger)
	}
	if err != nil {
		logger.Error("regcred-controller stopped", "error", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, f flags, logger *slog.Logger) error {
	restCfg, err := restConfig(f.kubeconfig)
	if err != nil {
		return err
	}
	home, _ := os.UserHomeDir()
	app := &credhelper.App{Env: config.Env{LookupEnv: os.LookupEnv, HomeDir: home}, Deps: netdeps.Default(logger), ConfigPath: f.config}
	cfg, err := config.Load(f.config, app.Env, logger)
	if err != nil {
		return err
	}
	resolver, err := app.NewPullResolver(cfg, false)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(restCfg, ctrl.Options{
		Cache:                         CacheOptions(),
		Metrics:                       metricsserver.Options{BindAddress: f.metricsAddr},
		HealthProbeBindAddress:        f.probeAddr,
		LeaderElection:                f.leaderElect,
		LeaderElectionID:              Name,
		LeaderElectionNamespace:       f.leaseNamespace,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("starting the manager: %w", err)
	}
	if err := Setup(mgr, Options{Config: cfg, Resolver: resolver, Logger: logger, Registry: crmetrics.Registry}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	logger.Info("regcred-controller starting", "config", cfg.Path, "items", len(cfg.PullSecrets), "leaderElect", f.leaderElect)
	return mgr.Start(ctx)
}

// restConfig is the kubeconfig's, or the in-cluster one when none is named.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		c, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("no --kubeconfig and not in a cluster: %w", err)
		}
		return c, nil
	}
	c, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("--kubeconfig %s: %w", kubeconfig, err)
	}
	return c, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
