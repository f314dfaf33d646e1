#!/usr/bin/env bash
# Runs a command in a network namespace of its own with only loopback up, so
# no test can reach anything off this machine — a cloud metadata address
# (169.254.169.254), a real registry, a real cloud API — even by mistake:
# such a connection fails at once instead of leaving the machine. Module
# downloads must be done before (GOPROXY=off inside). Inside, tests may make
# namespaces of their own (REGCRED_TEST_NETNS=1, testkit.PrivateNetwork) to
# serve fakes at the metadata address itself. Without root or unshare, the
# command runs as it is, with a warning.
set -euo pipefail
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
	exec unshare --net -- env GOPROXY=off GOFLAGS="${GOFLAGS:-}" REGCRED_TEST_NETNS=1 bash -c 'ip link set lo up && exec "$@"' loopback-only "$@"
fi
echo "loopback-only: not root or no unshare/ip; running without a network namespace" >&2
exec "$@"
