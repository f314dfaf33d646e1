package gcr

import (
	"fmt"
	"io"
	"net/http"

	"github.com/regcred/regcred/providers"
)

// maxAnswer bounds what is read of a Google API's answer: a token answer
// or an error is a few hundred bytes.
const maxAnswer = 64 << 10

// call is one request to a Google API whose failures to answer are
// outages named after the API and what it was asked for.
type call struct {
	client  *http.Client
	api     string // "the Security Token Service"
	answer  string // "the STS answer"
	purpose string // "the identity token (github)", "impersonating sa@p"
}

// do sends req and reads its answer, whatever its status.
func (c call) do(req *http.Request) (status int, raw []byte, err error) {
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: gcr: %s is unreachable (%s) for %s", providers.ErrUnavailable, c.api, shortNetError(err), c.purpose)
	}
	defer resp.Body.Close()
	raw, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: gcr: reading %s: %s", providers.ErrUnavailable, c.answer, shortNetError(err))
	}
	return resp.StatusCode, raw, nil
}
