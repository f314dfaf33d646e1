package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/matcher"
)

// PullSecret is one element of `pullSecrets`: which namespaces get an image
// pull Secret named SecretName holding which registries' credentials, and
// which of their service accounts link it. Only regcred-controller acts on
// it; the cluster admin's config alone decides, nothing in a namespace
// widens it.
type PullSecret struct {
	SecretName string `yaml:"secretName"`
	// Exactly one of NamespaceSelector and Namespaces.
	NamespaceSelector *LabelSelector `yaml:"namespaceSelector"`
	Namespaces        []string       `yaml:"namespaces"`
	Registries        []string       `yaml:"registries"`
	ServiceAccounts   []string       `yaml:"serviceAccounts"`
}

// LabelSelector is a Kubernetes label selector (metav1.LabelSelector's
// shape, without linking apimachinery into the engine).
type LabelSelector struct {
	MatchLabels      map[string]string  `yaml:"matchLabels"`
	MatchExpressions []LabelRequirement `yaml:"matchExpressions"`
}

// LabelRequirement is one matchExpressions element.
type LabelRequirement struct {
	Key      string   `yaml:"key"`
	Operator string   `yaml:"operator"` // In, NotIn, Exists, DoesNotExist
	Values   []string `yaml:"values"`
}

// ValidatePullSecrets checks the pullSecrets section and normalises each
// registry to host[:port]; every problem is reported, each naming its item.
func (c *Config) ValidatePullSecrets() error {
	var problems []string
	seen := map[string]int{}
	for i := range c.PullSecrets {
		p := &c.PullSecrets[i]
		where := fmt.Sprintf("%s: pullSecrets[%d]", c.Path, i)
		if j, dup := seen[p.SecretName]; dup && p.SecretName != "" {
			problems = append(problems, fmt.Sprintf("%s: secretName %q is also pullSecrets[%d]'s: give each item its own", where, p.SecretName, j))
		}
		seen[p.SecretName] = i
		for _, err := range p.validate() {
			problems = append(problems, where+": "+err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w:\n  %s", ErrConfig, strings.Join(problems, "\n  "))
	}
	return nil
}

func (p *PullSecret) validate() []string {
	var errs []string
	if p.SecretName == "" {
		errs = append(errs, `"secretName" is required`)
	} else if err := pullsecret.ValidName(p.SecretName); err != nil {
		errs = append(errs, "secretName: "+strings.TrimPrefix(err.Error(), pullsecret.ErrInvalid.Error()+": "))
	}
	switch {
	case p.NamespaceSelector == nil && len(p.Namespaces) == 0:
		errs = append(errs, `name the namespaces: "namespaceSelector" or "namespaces"`)
	case p.NamespaceSelector != nil && len(p.Namespaces) > 0:
		errs = append(errs, `"namespaceSelector" and "namespaces" together: give one`)
	case p.NamespaceSelector != nil:
		errs = append(errs, p.NamespaceSelector.validate()...)
	}
	for _, ns := range p.Namespaces {
		if pullsecret.ValidNamespace(ns) != nil {
			errs = append(errs, fmt.Sprintf("namespaces: %q is not a namespace name (a DNS label)", ns))
		}
	}
	if len(p.Registries) == 0 {
		errs = append(errs, `"registries" is required: the registries whose credentials the secret holds`)
	}
	for i, r := range p.Registries {
		t, err := matcher.Normalize(r)
		switch {
		case err != nil:
			errs = append(errs, fmt.Sprintf("registries[%d]: %v", i, err))
		case t.Path != "":
			errs = append(errs, fmt.Sprintf("registries[%d]: %q names a repository; a pull secret is keyed by registry (host[:port])", i, r))
		case slices.Contains(p.Registries[:i], t.Registry()):
			errs = append(errs, fmt.Sprintf("registries[%d]: %q is named twice", i, t.Registry()))
		case r != t.Registry():
			// Written only when it changes: validating a normalised config
			// again (a second controller replica on the same Config) writes
			// nothing while a running one reads it.
			p.Registries[i] = t.Registry()
		}
	}
	for _, sa := range p.ServiceAccounts {
		if pullsecret.ValidName(sa) != nil {
			errs = append(errs, fmt.Sprintf("serviceAccounts: %q is not a service account name", sa))
		}
	}
	return errs
}

func (s *LabelSelector) validate() []string {
	var errs []string
	for k, v := range s.MatchLabels {
		if k == "" || len(v) > 63 {
			errs = append(errs, fmt.Sprintf("namespaceSelector.matchLabels: %q: %q is not a label key and value", k, v))
		}
	}
	for i, r := range s.MatchExpressions {
		where := fmt.Sprintf("namespaceSelector.matchExpressions[%d]", i)
		if r.Key == "" {
			errs = append(errs, where+`: "key" is required`)
		}
		switch r.Operator {
		case "In", "NotIn":
			if len(r.Values) == 0 {
				errs = append(errs, fmt.Sprintf("%s: %s needs values", where, r.Operator))
			}
		case "Exists", "DoesNotExist":
			if len(r.Values) > 0 {
				errs = append(errs, fmt.Sprintf("%s: %s takes no values", where, r.Operator))
			}
		default:
			errs = append(errs, fmt.Sprintf("%s: operator %q is not one of In, NotIn, Exists, DoesNotExist", where, r.Operator))
		}
	}
	return errs
}

// Matches reports whether labels satisfy the selector. An empty selector
// matches every namespace, as in Kubernetes.
func (s *LabelSelector) Matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		v, ok := labels[r.Key]
		var match bool
		switch r.Operator {
		case "In":
			match = ok && slices.Contains(r.Values, v)
		case "NotIn":
			match = !ok || !slices.Contains(r.Values, v)
		case "Exists":
			match = ok
		case "DoesNotExist":
			match = !ok
		}
		if !match {
			return false
		}
	}
	return true
}

// Selects reports whether the item selects the namespace ns with labels.
func (p *PullSecret) Selects(ns string, labels map[string]string) bool {
	if p.NamespaceSelector != nil {
		return p.NamespaceSelector.Matches(labels)
	}
	return slices.Contains(p.Namespaces, ns)
}
