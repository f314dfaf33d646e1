package cache

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// Under a seccomp filter that refuses the key system calls with EPERM, as
// Docker's default profile does, `auto` uses the file store and says why
// at debug; `sealed` alone fails to open, saying why. The child installs
// the filter on itself (no privilege needed) before it opens the cache.
func TestSealedUnderSeccomp(t *testing.T) {
	needKeyrings(t)
	self, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	cmd := exec.Command(self)
	cmd.Env = []string{childEnv + "=seal-seccomp", "REGCRED_TEST_DIR=" + dir}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child: %s", out)
	got := string(out)
	t.Logf("child:\n%s", got)
	assert.Contains(t, got, "sealed alone: the sealed token store is unavailable")
	assert.Contains(t, got, "a seccomp filter")
	assert.Contains(t, got, "level=DEBUG msg=\"sealed token store unavailable")
	assert.Contains(t, got, "store after: file")
	assert.Contains(t, got, "next run: hit")
	testkit.AssertNoSecret(t, "child output", got, testSecret)
	assert.FileExists(t, filepath.Join(dir, tokensDir, testItem().Key+".json"))
}

func childSealSeccomp() error {
	if err := refuseKeySyscalls(); err != nil {
		return err
	}
	dir := os.Getenv("REGCRED_TEST_DIR")
	// The real calls: the filter answers them. The key name is the
	// product's; nothing can reach it from here anyway.
	if _, err := Open(Options{Kind: KindSealed, Dir: dir, Keyctl: KernelKeyctl{}}); err != nil {
		fmt.Printf("sealed alone: %v\n", err)
	}
	log, logs := testkit.DebugLogger()
	open := func() (*Cache, error) {
		return Open(Options{Kind: KindAuto, Dir: dir, Keyctl: KernelKeyctl{}, Logger: log})
	}
	fetch := func(context.Context) (providers.Credential, error) { return token(time.Now()), nil }
	c, err := open()
	if err != nil {
		return err
	}
	if _, _, err := c.Credential(context.Background(), testItem(), fetch); err != nil {
		return err
	}
	fmt.Printf("store after: %s\n", c.Name())
	if c, err = open(); err != nil {
		return err
	}
	_, outcome, err := c.Credential(context.Background(), testItem(), fetch)
	if err != nil {
		return err
	}
	fmt.Printf("next run: %s\n%s", outcome, logs)
	return nil
}

// refuseKeySyscalls installs, on every thread of this process, a seccomp
// filter answering keyctl, add_key and request_key with EPERM.
func refuseKeySyscalls() error {
	const (
		ld  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	filter := []unix.SockFilter{
		{Code: ld, K: 0}, // seccomp_data.nr
		{Code: jeq, Jt: 3, K: unix.SYS_KEYCTL},
		{Code: jeq, Jt: 2, K: unix.SYS_ADD_KEY},
		{Code: jeq, Jt: 1, K: unix.SYS_REQUEST_KEY},
		{Code: ret, K: unix.SECCOMP_RET_ALLOW},
		{Code: ret, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog))); errno != 0 {
		return fmt.Errorf("seccomp: %w", errno)
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err != unix.EPERM {
		return fmt.Errorf("the filter does not refuse keyctl: %v", err)
	}
	return nil
}
