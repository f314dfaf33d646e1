package gcrtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// RunIfGcloud plays gcloud and exits when the test binary was started as
// `gcloud` (through the link NewGcloud makes); otherwise it returns at
// once. Call it first thing in TestMain.
func RunIfGcloud() {
	if strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") != "gcloud" {
		return
	}
	os.Exit(fakeGcloud(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const loginHint = "Please run:\n\n  $ gcloud auth login\n\nto obtain new credentials.\n"

// fakeGcloud is `gcloud config config-helper --format=json`, and nothing
// else, with gcloud's messages and exit codes.
func fakeGcloud(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if !slices.Equal(args, []string{"config", "config-helper", "--format=json"}) {
		fmt.Fprintf(stderr, "ERROR: (gcloud) Invalid choice: %q.\n", strings.Join(args, " "))
		return 2
	}
	fail := func(msg string) int {
		fmt.Fprintf(stderr, "ERROR: (gcloud.config.config-helper) %s\n", msg)
		return 1
	}
	dir := getenv("CLOUDSDK_CONFIG")
	if dir == "" {
		dir = filepath.Join(getenv("HOME"), ".config", "gcloud")
	}
	name := getenv("CLOUDSDK_ACTIVE_CONFIG_NAME")
	if name == "" {
		b, _ := os.ReadFile(filepath.Join(dir, "active_config"))
		name = strings.TrimSpace(string(b))
	}
	if name == "" {
		name = "default"
	}
	account := getenv("CLOUDSDK_CORE_ACCOUNT")
	if account == "" {
		b, _ := os.ReadFile(filepath.Join(dir, "configurations", "config_"+name))
		account = accountOf(string(b))
	}
	if account == "" {
		return fail("You do not currently have an active account selected.\n" + loginHint)
	}
	creds := map[string]gcloudCredentials{}
	b, _ := os.ReadFile(filepath.Join(dir, fakeCredentialsFile))
	_ = json.Unmarshal(b, &creds)
	c, ok := creds[account]
	if !ok {
		return fail("Your current active account [" + account + "] does not have any valid credentials\n" + loginHint)
	}
	tok, expiry, errMsg := c.refresh()
	if errMsg != "" {
		return fail("There was a problem refreshing your current auth tokens: " + errMsg + "\n" + loginHint)
	}
	out, _ := json.MarshalIndent(map[string]any{
		"configuration": map[string]any{"active_configuration": name, "properties": map[string]any{"core": map[string]any{"account": account, "disable_usage_reporting": "True"}}},
		"credential":    map[string]any{"access_token": tok, "token_expiry": expiry.UTC().Format("2006-01-02T15:04:05Z")},
		"sentinels":     map[string]any{"config_sentinel": filepath.Join(dir, "config_sentinel")},
	}, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return 0
}

// refresh is gcloud's refresh of its stored login at the token endpoint.
func (c gcloudCredentials) refresh() (token string, expiry time.Time, errMsg string) {
	resp, err := http.PostForm(c.TokenURI, url.Values{"grant_type": {RefreshTokenGrant}, "refresh_token": {c.RefreshToken}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}})
	if err != nil {
		return "", time.Time{}, "Unable to connect to the token endpoint"
	}
	defer resp.Body.Close()
	var a struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != http.StatusOK {
		return "", time.Time{}, fmt.Sprintf("('%s: %s', {'error': '%s', 'error_description': '%s'})", a.Error, a.Description, a.Error, a.Description)
	}
	return a.AccessToken, time.Now().Add(time.Duration(a.ExpiresIn) * time.Second), ""
}
