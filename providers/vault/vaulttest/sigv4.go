package vaulttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sigV4 is a parsed "Authorization: AWS4-HMAC-SHA256 ..." header.
type sigV4 struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

func parseSigV4(h string) (sigV4, error) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigV4{}, errors.New("authorization header is not AWS4-HMAC-SHA256")
	}
	var s sigV4
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return sigV4{}, errors.New("malformed credential scope")
			}
			s.accessKey, s.date, s.region, s.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			s.signedHeaders = strings.Split(v, ";")
		case "Signature":
			s.signature = v
		}
	}
	if s.accessKey == "" || len(s.signedHeaders) == 0 || s.signature == "" {
		return sigV4{}, errors.New("incomplete authorization header")
	}
	return s, nil
}

// verifySigV4 recomputes the signature as STS would, from the request
// Vault forwards: method, URL (its host is the Host header), headers and
// body, with the secret key of the access key the header names.
func verifySigV4(method string, u *url.URL, h http.Header, body []byte, s sigV4, secret string) error {
	if !slices.IsSorted(s.signedHeaders) || !slices.Contains(s.signedHeaders, "host") || !slices.Contains(s.signedHeaders, "x-amz-date") {
		return errors.New("SignedHeaders must be sorted and include host and x-amz-date")
	}
	var canon strings.Builder
	for _, name := range s.signedHeaders {
		v, err := canonicalValue(name, u, h, body)
		if err != nil {
			return err
		}
		canon.WriteString(name + ":" + v + "\n")
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	bodySum := sha256.Sum256(body)
	request := strings.Join([]string{
		method, path, strings.ReplaceAll(u.Query().Encode(), "+", "%20"),
		canon.String(), strings.Join(s.signedHeaders, ";"), hex.EncodeToString(bodySum[:]),
	}, "\n")
	reqSum := sha256.Sum256([]byte(request))
	scope := s.date + "/" + s.region + "/" + s.service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + h.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(reqSum[:])
	key := []byte("AWS4" + secret)
	for _, part := range []string{s.date, s.region, s.service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(s.signature)) {
		return errors.New("SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided")
	}
	return nil
}

// canonicalValue is a signed header's value: trimmed, inner spaces
// collapsed, multiple values joined by commas. Host comes from the URL
// and Content-Length from the body when the headers lack them, as the
// HTTP client Vault uses would send them.
func canonicalValue(name string, u *url.URL, h http.Header, body []byte) (string, error) {
	vals := h.Values(name)
	switch {
	case len(vals) > 0:
	case name == "host":
		vals = []string{u.Host}
	case name == "content-length":
		vals = []string{strconv.Itoa(len(body))}
	default:
		return "", fmt.Errorf("signed header %q is missing", name)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ","), nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// checkSigV4Date wants X-Amz-Date within 15 minutes of now, as AWS does,
// and the scope's date to be its day.
func checkSigV4Date(h http.Header, s sigV4, now time.Time) error {
	t, err := time.Parse("20060102T150405Z", h.Get("X-Amz-Date"))
	switch {
	case err != nil:
		return errors.New("missing or malformed X-Amz-Date")
	case t.Format("20060102") != s.date:
		return errors.New("credential scope date does not match X-Amz-Date")
	case t.Sub(now) > 15*time.Minute || now.Sub(t) > 15*time.Minute:
		return errors.New("signature expired: the request time is more than 15 minutes away from the server time")
	}
	return nil
}
