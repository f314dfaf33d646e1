package credhelper

import (
	"fmt"
	"os"
	"testing"
)

// offMachine are the settings that keep cloud SDKs from probing metadata
// services off this machine: the built-in entries ask AWS and Google for
// ambient identities, and those libraries read the process environment.
var offMachine = map[string]string{
	"AWS_EC2_METADATA_DISABLED": "true",
	"GCE_METADATA_HOST":         "127.0.0.1:1",
	"GCE_METADATA_IP":           "127.0.0.1:1",
	"OCI_METADATA_BASE_URL":     "http://127.0.0.1:1/opc/v2",
}

func TestMain(m *testing.M) {
	for k, v := range offMachine {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}
