package ocisdk

import (
	"sync"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// silent is an SDK logger that logs nothing.
type silent struct{}

func (silent) LogLevel() int                         { return 0 }
func (silent) Log(int, string, ...interface{}) error { return nil }

var silenceOnce sync.Once

// Silence turns the SDK's own logger off for the process. With
// OCI_GO_SDK_DEBUG=verbose the SDK dumps response bodies to stderr, and a
// GetSecretBundle body is the secret; its redaction covers headers only.
// The SDK keeps one logger per process, so this is a process-wide, one-way
// switch, made the first time an OCI backend is used.
func Silence() {
	silenceOnce.Do(func() { common.SetSDKLogger(silent{}) })
}
