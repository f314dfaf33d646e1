// Package openbao runs the real OpenBao server for tests: the release
// binary kept, xz-compressed with its SHA256SUMS, in ../shared/tools/openbao
// beside the project (REGCRED_OPENBAO_DIR overrides the folder).
//
// Binary decompresses it once per test binary into a temporary directory,
// after checking both checksums. Start runs it in dev mode with -dev-tls on
// a free 127.0.0.1 port (its cluster port is the next one) with a root token
// of our choosing, waits until sys/health answers, and Stop ends it. Dev
// mode keeps everything in memory and starts unsealed; Seal and Unseal
// toggle that, Do and Must speak its HTTP API with its own CA.
//
// Shared gives a test binary one server (and one decompressed binary) for
// every test that asks, started on first use; TestMain calls Close after
// m.Run. Tests that seal or stop a server take a Dedicated one.
//
// Without the binary (or xz) a test is skipped on a developer's machine and
// fails in CI (CI=true), as tests that need a Debian package do.
package openbao
