#!/usr/bin/env bash
# Runs a command with a working Secret Service: a private D-Bus session
# (dbus-run-session) and gnome-keyring-daemon with an unlocked login
# keyring, created non-interactively in a throwaway directory, so a
# developer's own keyring is never touched.
#
#   credhelper/cache/testdata/with-secret-service.sh go test -race -run Keyring ./credhelper/cache/
#
# Debian packages: dbus, dbus-daemon, gnome-keyring (libsecret-tools for
# secret-tool, optional).
set -euo pipefail

if [ "${REGCRED_IN_TEST_SESSION:-}" != "1" ]; then
	[ $# -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }
	for tool in dbus-run-session gnome-keyring-daemon; do
		command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install dbus gnome-keyring)" >&2; exit 127; }
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -m 700 "$tmp/data" "$tmp/run"
	# gnome-keyring keeps keyrings in $XDG_DATA_HOME/keyrings and its
	# control socket in $XDG_RUNTIME_DIR.
	status=0
	REGCRED_IN_TEST_SESSION=1 XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" \
		dbus-run-session -- "$0" "$@" || status=$?
	exit "$status"
fi

# Inside the session: start the daemon and unlock (on first use: create)
# the login keyring with a throwaway password read from stdin.
unset REGCRED_IN_TEST_SESSION
printf '%s' "regcred-test-$$" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
