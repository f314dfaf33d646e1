package ocisdk

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// DefaultMetadataBaseURL is the OCI instance metadata service (IMDS v2).
const DefaultMetadataBaseURL = "http://169.254.169.254/opc/v2"

// probeTimeout bounds the metadata probe. The service answers a local
// instance in milliseconds; off OCI the address is unroutable.
const probeTimeout = 2 * time.Second

// probeMetadata asks the metadata service for the instance's region once,
// with a short timeout, before the SDK is let near it: the SDK's own
// lookup retries eight times with sleeps of 1 s, 2 s … 30 s that nothing
// can interrupt, so off OCI it would hang for about two minutes.
//
// No service answering is marked providers.Absent: the cache remembers it.
func probeMetadata(parent context.Context, hc *http.Client, base string) error {
	ctx, cancel := context.WithTimeout(parent, probeTimeout)
	defer cancel()
	url := strings.TrimRight(base, "/") + "/instance/region"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%w: instance_principal: metadata URL %q: %w", providers.ErrInvalid, base, err)
	}
	req.Header.Set("Authorization", "Bearer Oracle")
	resp, err := hc.Do(req)
	if err != nil {
		err = fmt.Errorf("%w: instance_principal: no OCI instance metadata service at %s (is this an OCI compute instance?): %w", providers.ErrNoIdentity, base, err)
		if parent.Err() != nil {
			return err // the caller gave up: that says nothing about the machine
		}
		return providers.Absent(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: instance_principal: the metadata service at %s answered %s", providers.ErrNoIdentity, base, resp.Status)
	}
	return nil
}
