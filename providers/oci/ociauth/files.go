package ociauth

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/regcred/regcred/providers"
)

// DefaultProfile is the config file profile used when none is named.
const DefaultProfile = "DEFAULT"

// maxConfigFile bounds what is read of an OCI config file to find a
// profile's key file; real ones are a few hundred bytes a profile, and a
// larger one is not read (its key file stays out of the identity).
const maxConfigFile = 1 << 20

// ConfigFilePath is the config file the settings select: configFile, else
// $OCI_CONFIG_FILE, $OCI_CLI_CONFIG_FILE, else ~/.oci/config. A leading
// "~/" is the home directory.
func (s Settings) ConfigFilePath(lookupEnv func(string) (string, bool)) string {
	p := s.ConfigFile
	for _, k := range []string{EnvConfigFile, EnvCLIConfigFile} {
		if p == "" {
			p, _ = lookupEnv(k)
		}
	}
	if p == "" {
		p = "~/.oci/config"
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		p = filepath.Join(homeDir(lookupEnv), rest)
	}
	return p
}

// ProfileName is the profile the settings select: profile, else
// $OCI_CLI_PROFILE, else DEFAULT.
func (s Settings) ProfileName(lookupEnv func(string) (string, bool)) string {
	if s.Profile != "" {
		return s.Profile
	}
	if v, _ := lookupEnv(EnvCLIProfile); v != "" {
		return v
	}
	return DefaultProfile
}

// IdentityFiles implements providers.IdentityFiles for config_file and
// session_token: the config file (every profile's user, tenancy and
// fingerprint) and the private key file the selected profile names, whose
// content is the identity: `oci setup config` and `oci session
// authenticate` rewrite them in place. A session's token file is left out:
// `oci session refresh` rewrites it for the same key and session.
func (s Settings) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	if m := s.Method(); m != AuthConfigFile && m != AuthSessionToken {
		return nil
	}
	path := s.ConfigFilePath(lookupEnv)
	files := []string{path}
	data, err := providers.ReadFileLimited(path, maxConfigFile)
	if err != nil {
		return files // the file's absence is in the key (as unreadable)
	}
	if key, ok := KeyFile(data, s.ProfileName(lookupEnv)); ok && key != "" {
		files = append(files, expandKeyPath(key, lookupEnv))
	}
	return files
}

// sectionName is what the SDK's section header pattern, ^\[(.*)\], takes
// from a line: from a leading "[" to the last "]".
func sectionName(line string) (string, bool) {
	end := strings.LastIndex(line, "]")
	if !strings.HasPrefix(line, "[") || end < 1 {
		return "", false
	}
	return line[1:end], true
}

// KeyFile is the key_file the profile's section of an OCI config file
// names, read the way the OCI SDK for Go reads it: the first section whose
// header names the profile, up to the next header; no inheritance from
// DEFAULT; the value between the first and any second "=", trimmed.
func KeyFile(config []byte, profile string) (string, bool) {
	lines := strings.Split(string(config), "\n")
	start := -1
	for i, l := range lines {
		if name, ok := sectionName(l); ok && name == profile {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return "", false
	}
	key, found := "", false
	for _, l := range lines[start:] {
		if _, ok := sectionName(l); ok {
			break
		}
		parts := strings.Split(l, "=")
		if len(parts) < 2 || !strings.EqualFold(strings.TrimSpace(parts[0]), "key_file") {
			continue
		}
		key, found = strings.TrimSpace(parts[1]), true // the last one wins, as in the SDK
	}
	return key, found
}

// expandKeyPath expands a key_file the way the SDK does: cleaned, and a
// leading "~" taken as the home directory.
func expandKeyPath(p string, lookupEnv func(string) (string, bool)) string {
	p = filepath.Clean(p)
	if strings.HasPrefix(p, "~") && len(p) >= 2 {
		return filepath.Join(homeDir(lookupEnv), p[2:])
	}
	return p
}

// homeDir is HOME, else the process's home directory, as package ocisdk and
// the SDK find it.
func homeDir(lookupEnv func(string) (string, bool)) string {
	if h, _ := lookupEnv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}
