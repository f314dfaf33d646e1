package gcr

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// configHelperAnswer is what is read of `gcloud config config-helper
// --format=json`: the token and the names that say whose it is.
type configHelperAnswer struct {
	token         *oauth2.Token
	account       string
	configuration string
}

// parseConfigHelper reads gcloud's answer. Errors never quote it: it holds
// the token.
func parseConfigHelper(raw []byte) (configHelperAnswer, error) {
	var a struct {
		Configuration struct {
			Active     string `json:"active_configuration"`
			Properties struct {
				Core struct {
					Account string `json:"account"`
				} `json:"core"`
			} `json:"properties"`
		} `json:"configuration"`
		Credential struct {
			AccessToken string `json:"access_token"`
			TokenExpiry string `json:"token_expiry"`
		} `json:"credential"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return configHelperAnswer{}, fmt.Errorf("%w: gcr: gcloud config config-helper answered something that is not its JSON (not shown); is gcloudPath the Google Cloud CLI?", providers.ErrInvalid)
	}
	account := providers.OneLine(a.Configuration.Properties.Core.Account)
	tok := strings.TrimSpace(a.Credential.AccessToken)
	if tok == "" {
		return configHelperAnswer{}, fmt.Errorf("%w: gcr: gcloud has no access token for %s; run `gcloud auth login`", providers.ErrNoIdentity, orNoAccount(account))
	}
	if strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return configHelperAnswer{}, fmt.Errorf("%w: gcr: gcloud config config-helper answered an access_token with spaces or control characters (not shown)", providers.ErrInvalid)
	}
	ans := configHelperAnswer{token: &oauth2.Token{AccessToken: tok, TokenType: "Bearer"}, account: account, configuration: providers.OneLine(a.Configuration.Active)}
	if e := a.Credential.TokenExpiry; e != "" {
		exp, err := time.Parse(time.RFC3339, e)
		if err != nil {
			return configHelperAnswer{}, fmt.Errorf("%w: gcr: gcloud config config-helper answered a token_expiry that is not a time (RFC 3339)", providers.ErrInvalid)
		}
		ans.token.Expiry = exp
	}
	return ans, nil
}

func orNoAccount(account string) string {
	if account == "" {
		return "the active configuration (no account is set)"
	}
	return "account " + account
}

// tokenLike matches what could be a credential in gcloud's messages: OAuth
// access and refresh tokens, JWTs, long opaque runs. Paths and account
// names stay readable.
var tokenLike = lazyregexp.New(`ya29\.[\w.-]+|1//[\w.-]+|eyJ[\w.-]+|[A-Za-z0-9_+=-]{32,}`)

// summarizeGcloudStderr keeps what gcloud printed as its error (the lines
// from the first "ERROR:" on, or all of it), on one line, with anything
// token-like replaced.
func summarizeGcloudStderr(stderr []byte) string {
	s := string(stderr)
	if i := strings.Index(s, "ERROR:"); i >= 0 {
		s = s[i:]
	}
	s = strings.Join(strings.Fields(s), " ")
	s = tokenLike().ReplaceAllString(s, "[redacted]")
	if s == "" {
		return "it printed nothing on stderr"
	}
	return providers.OneLine(s)
}

// gcloudHint classifies gcloud's error and says what to do.
func gcloudHint(summary string) (hint string, kind error) {
	t := strings.ToLower(summary)
	switch {
	case strings.Contains(t, "no active account") || strings.Contains(t, "do not currently have an active account") ||
		strings.Contains(t, "does not have any valid credentials") || strings.Contains(t, "no credentialed accounts"):
		return "; run `gcloud auth login` (or `gcloud config set account` to pick a logged-in account)", providers.ErrNoIdentity
	case strings.Contains(t, "refreshing your current auth tokens") || strings.Contains(t, "invalid_grant") ||
		strings.Contains(t, "reauthentication") || strings.Contains(t, "expired or revoked"):
		return "; the login expired or was revoked: run `gcloud auth login` again", providers.ErrDenied
	case strings.Contains(t, "invalid choice") || strings.Contains(t, "unrecognized arguments"):
		return "; this gcloud does not know `config config-helper`: update the Google Cloud CLI", providers.ErrInvalid
	}
	return "; run `gcloud config config-helper --format=json` to see the whole message", providers.ErrUnavailable
}
