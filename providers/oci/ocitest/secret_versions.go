package ocitest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pick finds the version a request names: a number, a stage, or CURRENT.
func (sec *Secret) pick(stage, number string) (Version, int, string) {
	if number != "" {
		n, err := strconv.ParseInt(number, 10, 64)
		if err != nil {
			return Version{}, http.StatusBadRequest, "versionNumber is not a number"
		}
		for _, v := range sec.Versions {
			if v.Number == n {
				return v, http.StatusOK, ""
			}
		}
		return Version{}, http.StatusNotFound, "no such version"
	}
	if stage == "" {
		stage = "CURRENT"
	}
	if !slices.Contains([]string{"CURRENT", "PENDING", "LATEST", "PREVIOUS", "DEPRECATED"}, stage) {
		return Version{}, http.StatusBadRequest, "stage is not a valid rotation state"
	}
	var best Version
	found := false
	for _, v := range sec.Versions {
		if (stage == "LATEST" && (!found || v.Number > best.Number)) || (stage != "LATEST" && slices.Contains(v.Stages, stage)) {
			best, found = v, true
		}
	}
	if !found {
		return Version{}, http.StatusNotFound, "no version in stage " + stage
	}
	return best, http.StatusOK, ""
}

func bundle(sec *Secret, v Version) map[string]any {
	stages := slices.Clone(v.Stages)
	out := map[string]any{
		"secretId":      sec.ID,
		"versionNumber": v.Number,
		"stages":        stages,
		"timeCreated":   "2024-01-02T03:04:05.000Z",
		"secretBundleContent": map[string]any{
			"contentType": "BASE64",
			"content":     v.Content,
		},
	}
	if !v.TimeOfExpiry.IsZero() {
		out["timeOfExpiry"] = v.TimeOfExpiry.UTC().Format(time.RFC3339Nano)
	}
	if !v.TimeOfDeletion.IsZero() {
		out["timeOfDeletion"] = v.TimeOfDeletion.UTC().Format(time.RFC3339Nano)
	}
	return out
}

func failCode(status int) string {
	switch status {
	case http.StatusForbidden:
		return "NotAllowed"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	}
	if status >= 500 {
		return "InternalServerError"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}
