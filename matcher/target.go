package matcher

// Target is a normalised request: the registry a client asks about and, when
// it named an image, the repository below it.
type Target struct {
	// Host is lower-case, Docker Hub as "docker.io", IPv6 in brackets.
	Host string
	// Port is "" when absent or 443.
	Port string
	// Path is the repository without tag or digest and without leading or
	// trailing slash; "" when the request named the registry alone.
	Path string
}

// Registry returns "host[:port]".
func (t Target) Registry() string {
	if t.Port == "" {
		return t.Host
	}
	return t.Host + ":" + t.Port
}

// String returns "registry[/path]", a form Normalize maps back to t.
func (t Target) String() string {
	if t.Path == "" {
		return t.Registry()
	}
	return t.Registry() + "/" + t.Path
}
