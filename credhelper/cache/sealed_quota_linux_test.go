package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// A user whose kernel key quota is full (20,000 bytes for non-root users,
// shared with Kerberos KEYRING: caches) gets the file store instead, with
// the reason at debug, and loses nothing. The child runs as an
// unprivileged uid and fills its own quota first; no system setting
// changes, and its keys go with it when it exits.
func TestSealedFullQuotaFallsBack(t *testing.T) {
	testkit.NeedRoot(t)
	needKeyrings(t)
	self, err := os.Executable()
	require.NoError(t, err)
	base := t.TempDir()
	require.NoError(t, os.Chmod(filepath.Dir(base), 0o755))
	require.NoError(t, os.Chmod(base, 0o755))
	bin := filepath.Join(base, "cache.test")
	copyExecutable(t, self, bin)
	dir := filepath.Join(base, "cache")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chown(dir, testkit.ForeignUID, testkit.ForeignUID))

	name := newTestKeyctl(t, nil).name // unique; uid ForeignUID's keyring never held it
	cmd := exec.Command(bin)
	cmd.Env = []string{childEnv + "=seal-quota", "REGCRED_TEST_DIR=" + dir, "REGCRED_TEST_KEY=" + name}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: testkit.ForeignUID, Gid: testkit.ForeignUID}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child: %s", out)
	got := string(out)
	t.Logf("child:\n%s", got)
	assert.Contains(t, got, "quota full after ", "the child filled its quota")
	assert.Contains(t, got, "level=DEBUG msg=\"sealed token store unavailable")
	assert.Contains(t, got, "quota is full")
	assert.Contains(t, got, "store after: file")
	assert.Contains(t, got, "next run: hit")
	testkit.AssertNoSecret(t, "child output", got, testSecret)
	assert.NoFileExists(t, filepath.Join(dir, tokensDir, testItem().Key+sealedSuffix))
	assert.FileExists(t, filepath.Join(dir, tokensDir, testItem().Key+".json"))
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, errors.Join(err, dst.Close()))
}

// childSealQuota runs as the unprivileged uid: fill the quota, then cache a
// token through `auto` and read it back in a second Cache.
func childSealQuota() error {
	n, err := fillKeyQuota()
	if err != nil {
		return err
	}
	fmt.Printf("quota full after %d keys\n", n)
	kc := &testKeyctl{real: KernelKeyctl{}, name: os.Getenv("REGCRED_TEST_KEY")}
	log, logs := testkit.DebugLogger()
	open := func() (*Cache, error) {
		return Open(Options{Kind: KindAuto, Dir: os.Getenv("REGCRED_TEST_DIR"), Keyctl: kc, Logger: log})
	}
	c, err := open()
	if err != nil {
		return err
	}
	fetched := 0
	fetch := func(context.Context) (providers.Credential, error) { fetched++; return token(time.Now()), nil }
	if _, _, err := c.Credential(context.Background(), testItem(), fetch); err != nil {
		return err
	}
	fmt.Printf("store after: %s\n", c.Name())
	c2, err := open()
	if err != nil {
		return err
	}
	_, outcome, err := c2.Credential(context.Background(), testItem(), fetch)
	if err != nil {
		return err
	}
	fmt.Printf("next run: %s (fetches %d)\n%s", outcome, fetched, logs)
	return nil
}

// fillKeyQuota adds keys to this thread's process keyring until the kernel
// says EDQUOT, large ones first and then the smallest, so that not even a
// 32-byte key fits. They are freed when the process exits.
func fillKeyQuota() (int, error) {
	runtime.LockOSThread() // the process keyring is this thread's; keep the keys referenced
	n := 0
	for _, size := range []int{1000, 100, 1} {
		for {
			_, err := unix.AddKey("user", fmt.Sprintf("f%d", n), []byte(strings.Repeat("x", size)), unix.KEY_SPEC_PROCESS_KEYRING)
			if errors.Is(err, unix.EDQUOT) {
				break
			}
			if err != nil {
				return n, fmt.Errorf("filling the key quota: %w", err)
			}
			n++
			if n > 10000 {
				return n, errors.New("the key quota never filled")
			}
		}
	}
	return n, nil
}
