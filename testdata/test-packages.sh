#!/usr/bin/env bash
# The Debian packages `make test` needs, checked with dpkg-query. Run as
# root, it installs the missing ones; otherwise it stops at once with the
# exact apt-get line. `make test` runs it first, and .ci/run too, so the
# list lives here only.
set -euo pipefail

packages=(
	docker-registry skopeo gnome-keyring dbus dbus-daemon libsecret-tools apache2-utils
	curl patch iproute2 util-linux ca-certificates git make xz-utils
	pass gnupg gcc libc6-dev libsecret-1-dev pkg-config rpm
)

need=()
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "make test needs: ${need[*]}" >&2
	echo "install them with: sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
	exit 1
fi
echo "installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
