package credhelper

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
)

// checkPullSecrets is `check`'s look at the pullSecrets section, which only
// regcred-controller reads: the section's own rules (names, selectors,
// registries), and that an entry (the config's or a built-in one) matches
// each registry, since the controller resolves them like any request.
// Every problem names its item; the error is ErrConfig's shape, one
// problem a line, so check reports them as the config's.
func checkPullSecrets(cfg *config.Config, r *Resolver) error {
	if err := cfg.ValidatePullSecrets(); err != nil {
		return err
	}
	var problems []string
	for i, p := range cfg.PullSecrets {
		for j, reg := range p.Registries {
			t, err := matcher.Normalize(reg)
			if err != nil { // ValidatePullSecrets has normalised it already
				return fmt.Errorf("%w: %s: pullSecrets[%d]: registries[%d]: %w", config.ErrConfig, cfg.Path, i, j, err)
			}
			if len(r.Match(t)) == 0 {
				problems = append(problems, fmt.Sprintf("%s: pullSecrets[%d] (secretName %s): registries[%d]: no entry matches %q, so the controller would have no credential for it: add an entry for it or remove it",
					cfg.Path, i, p.SecretName, j, reg))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w:\n  %s", config.ErrConfig, strings.Join(problems, "\n  "))
	}
	return nil
}
