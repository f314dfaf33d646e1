package gcr

import (
	"os"
	"testing"

	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestMain lets this test binary play gcloud (gcrtest.NewGcloud).
func TestMain(m *testing.M) {
	gcrtest.RunIfGcloud()
	os.Exit(m.Run())
}
