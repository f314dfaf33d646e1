package gcrtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Gcloud is a fake Google Cloud CLI: a directory holding `gcloud` (a link
// to the running test binary, which plays gcloud when its TestMain calls
// RunIfGcloud) and a gcloud configuration directory. Like gcloud, it keeps
// the active configuration's name in active_config, the account in
// configurations/config_<name>, and the logins' refresh tokens in a
// credential store (here fake_credentials.json, for gcloud's
// credentials.db); `config config-helper` refreshes the active account's
// login at the fake token endpoint, so the token it prints is one the
// Server issued, to that user.
type Gcloud struct {
	// Path is the gcloud executable; BinDir holds it, for PATH.
	Path   string
	BinDir string
	// ConfigDir is the value for CLOUDSDK_CONFIG.
	ConfigDir string
	server    *Server
}

// gcloudCredentials is one login in the fake credential store.
type gcloudCredentials struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
	TokenURI     string `json:"token_uri"`
}

const fakeCredentialsFile = "fake_credentials.json"

// NewGcloud makes a fake gcloud with an empty configuration (no login).
// The test binary's TestMain must call RunIfGcloud first thing.
func (s *Server) NewGcloud(t testing.TB) *Gcloud {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	g := &Gcloud{BinDir: t.TempDir(), ConfigDir: t.TempDir(), server: s}
	name := "gcloud"
	if runtime.GOOS == "windows" {
		name += ".exe" // the provider looks for gcloud.cmd, gcloud.exe, gcloud.bat there
	}
	g.Path = filepath.Join(g.BinDir, name)
	require.NoError(t, os.Symlink(exe, g.Path))
	return g
}

// Env is what the helper needs to find this gcloud and its configuration:
// PATH with BinDir first, and CLOUDSDK_CONFIG.
func (g *Gcloud) Env() []string {
	return []string{"PATH=" + g.BinDir + string(os.PathListSeparator) + os.Getenv("PATH"), "CLOUDSDK_CONFIG=" + g.ConfigDir}
}

// Login plays `gcloud auth login` as u in the named configuration: the
// login is stored, and the configuration's account set to u.
func (g *Gcloud) Login(t testing.TB, configuration string, u *User) {
	t.Helper()
	creds := map[string]gcloudCredentials{}
	path := filepath.Join(g.ConfigDir, fakeCredentialsFile)
	if b, err := os.ReadFile(path); err == nil {
		require.NoError(t, json.Unmarshal(b, &creds))
	}
	creds[u.Email] = gcloudCredentials{ClientID: u.ClientID, ClientSecret: u.ClientSecret, RefreshToken: u.RefreshToken, TokenURI: g.server.TokenURL()}
	WriteFile(t, path, mustJSON(creds))
	g.SetAccount(t, configuration, u.Email)
}

// SetAccount plays `gcloud config set account` in a configuration ("" to
// unset it).
func (g *Gcloud) SetAccount(t testing.TB, configuration, account string) {
	t.Helper()
	body := "[core]\n"
	if account != "" {
		body += "account = " + account + "\n"
	}
	WriteFile(t, filepath.Join(g.ConfigDir, "configurations", "config_"+configuration), []byte(body))
}

// Activate plays `gcloud config configurations activate`.
func (g *Gcloud) Activate(t testing.TB, configuration string) {
	t.Helper()
	WriteFile(t, filepath.Join(g.ConfigDir, "active_config"), []byte(configuration))
}

// accountOf reads the [core] account of a configuration file.
func accountOf(body string) string {
	section := ""
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && section == "core" && strings.TrimSpace(k) == "account" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
