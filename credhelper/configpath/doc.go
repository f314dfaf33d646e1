// Package configpath is where the config file is looked for. It is apart
// from package config, which parses YAML, so that the front binary can tell
// which file a request depends on without linking a YAML parser.
package configpath
