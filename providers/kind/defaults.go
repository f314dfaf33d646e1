package kind

// Default is a built-in entry a kind contributes: a pattern its backend
// serves with ambient credentials and no config at all.
type Default struct {
	Match string
	// Name labels the entry in logs and errors ("built-in ECR").
	Name string
	// Kind is the entry's kind when it is not the contributing one: an
	// `anonymous` fallback after a registry that also serves public
	// images. nil: the contributing kind, with empty settings.
	Kind *Kind
}

// Defaults returns the kind's built-in entries, in the order they are
// tried, each with its Kind set.
func (k *Kind) Defaults() []Default {
	if k.defaults == nil {
		return nil
	}
	ds := k.defaults()
	for i := range ds {
		if ds[i].Kind == nil {
			ds[i].Kind = k
		}
	}
	return ds
}
