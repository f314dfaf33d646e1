package acrtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// AzLogin is the login of a fake Azure CLI: an app whose tokens `az
// account get-access-token` answers.
type AzLogin struct {
	App *App
	// LoggedOut makes az answer as after `az logout`.
	LoggedOut bool
}

// WriteAz writes a fake `az` into a new directory of the test's and
// returns the directory, for PATH. It answers `az account
// get-access-token -o json --resource <r> [--tenant <t>]` with a token the
// cloud's Entra issues now for the login's app (the resource must be one a
// registry accepts, the tenant the app's), and anything else, or a
// logged-out CLI, the way az fails.
func (c *Cloud) WriteAz(t testing.TB, login AzLogin) string {
	t.Helper()
	dir := t.TempDir()
	answer := "ERROR: Please run 'az login' to setup account."
	ok := "0"
	if !login.LoggedOut {
		tok := c.Entra.mint(Issued{Tenant: login.App.Tenant, ClientID: login.App.ClientID, Audience: RegistryAudience, Via: "az"})
		i, _ := c.Entra.Lookup(tok)
		b, err := json.Marshal(map[string]any{
			"accessToken": tok, "expires_on": i.Expires.Unix(), "subscription": "00000000-0000-0000-0000-00000000beef",
			"tenant": login.App.Tenant, "tokenType": "Bearer",
		})
		require.NoError(t, err)
		answer, ok = string(b), "1"
	}
	script := `#!/bin/sh
# fake az for regcred's tests
want="account get-access-token -o json --resource ` + RegistryAudience + `"
case "$*" in
"$want"|"$want --tenant ` + login.App.Tenant + `") ;;
*) echo "ERROR: unexpected arguments: $*" >&2; exit 2 ;;
esac
if [ ` + ok + ` = 1 ]; then
	cat "$(dirname "$0")/answer"
	exit 0
fi
cat "$(dirname "$0")/answer" >&2
exit 1
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "answer"), []byte(answer+"\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755))
	return dir
}
