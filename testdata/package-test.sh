#!/usr/bin/env bash
# make package-test: the release files of `make dist` checked as a user
# gets them. The .deb is installed with dpkg -i, the demo's registry pull
# runs through /usr/bin/docker-credential-regcred, and dpkg -r removes it,
# leaving /etc/regcred/config.yaml (a conffile). The .rpm and .apk are only
# read (rpm -qip/-qlp, tar), never installed. A second `make dist` of
# linux/amd64 must give the same bytes as the first.
#
# It changes the machine (installs a package), so it runs only as root and
# with CI=true or CONFIRM=1; otherwise it says what it would do and stops.
set -euo pipefail
dist=${1:-dist}
again=${2:-}
step() { printf '\n==> %s\n' "$*"; }
fail() { echo "package-test: $*" >&2; exit 1; }
# has PATTERN COMMAND…: COMMAND's output has a line matching PATTERN. The
# output is read whole first: `cmd | grep -q` under pipefail fails when
# grep exits before cmd has written everything (cmd dies of SIGPIPE).
has() {
	local pattern=$1 out
	shift
	out=$("$@") || return 1
	grep -q -- "$pattern" <<<"$out"
}

deb=$(ls "$dist"/regcred_*_amd64.deb 2>/dev/null | head -1)
rpm=$(ls "$dist"/regcred-*.x86_64.rpm 2>/dev/null | head -1)
apk=$(ls "$dist"/regcred_*_x86_64.apk 2>/dev/null | head -1)
[ -n "$deb" ] && [ -n "$rpm" ] && [ -n "$apk" ] || fail "no linux/amd64 packages in $dist/: run make dist first"

if [ -n "$again" ]; then
	step "a second make dist gives the same bytes ($again)"
	n=0
	for f in "$again"/*; do
		name=$(basename "$f")
		case $name in SHA256SUMS | regcred.rb | Regcred.Regcred.yaml | build) continue ;; esac
		grep -qx "$(sha256sum "$f" | cut -d' ' -f1)  $name" "$dist/SHA256SUMS" || fail "$name differs between the two runs"
		n=$((n + 1))
	done
	[ "$n" -ge 4 ] || fail "only $n files to compare in $again"
	echo "$n files identical"
	(cd "$dist" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not match $dist"
fi

if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ "${CONFIRM:-}" != 1 ]; }; then
	cat >&2 <<MSG
make package-test would change this machine:
  dpkg -i $deb   (installs /usr/bin/docker-credential-regcred, /usr/bin/regcred-engine,
                  /usr/bin/regcred-fetch, /etc/regcred/config.yaml, /usr/share/doc/regcred/)
  run testdata/demo.sh /usr/bin/docker-credential-regcred (a registry on 127.0.0.1, removed after)
  dpkg -r regcred, then dpkg -P regcred (removes /etc/regcred/config.yaml too)
Run it as root with CONFIRM=1 (CI sets CI=true) on a machine where that is fine.
MSG
	exit 2
fi
if has installed dpkg-query -W -f='${db:Status-Status}' regcred 2>/dev/null; then
	fail "a regcred package is installed already; remove it first (dpkg -r regcred)"
fi
for f in /usr/bin/docker-credential-regcred /usr/bin/regcred-engine /usr/bin/regcred-fetch /etc/regcred/config.yaml; do
	[ ! -e "$f" ] || fail "$f exists already; the test would overwrite it"
done

want_files=(
	/etc/regcred/config.yaml
	/usr/bin/docker-credential-regcred
	/usr/bin/regcred-engine
	/usr/bin/regcred-fetch
	/usr/share/doc/regcred/LICENSE
	/usr/share/doc/regcred/README.md
	/usr/share/doc/regcred/docs/config.md
)
has_all() { # $1: what, stdin: a file list
	local list
	list=$(cat)
	for f in "${want_files[@]}"; do
		grep -qx -- "$f" <<<"$list" || fail "$1 lacks $f"
	done
	if grep -Ei 'postinst|preinst|postrm|prerm|post-install|pre-install' <<<"$2"; then
		fail "$1 has an install script"
	fi
}

step "rpm: metadata and file list ($rpm)"
rpm -qip "$rpm" >&2
has '^Name *: regcred$' rpm -qip "$rpm" || fail "rpm: not named regcred"
has '^/etc/regcred/config.yaml$' rpm -qp --configfiles "$rpm" || fail "rpm: the config is not a config file"
has '^cn /etc/regcred/config.yaml$' rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm" || fail "rpm: the config is not %config(noreplace)"
rpm -qlp "$rpm" | has_all rpm "$(rpm -qp --scripts "$rpm")"

step "apk: metadata and file list ($apk)"
apk_list=$(tar -tzf "$apk" 2>/dev/null)
grep -qx .PKGINFO <<<"$apk_list" || fail "apk: no .PKGINFO"
pkginfo=$(tar -xzOf "$apk" .PKGINFO 2>/dev/null)
grep -qx 'pkgname = regcred' <<<"$pkginfo" || fail "apk: .PKGINFO names no regcred: $pkginfo"
grep -qx 'arch = x86_64' <<<"$pkginfo" || fail "apk: .PKGINFO arch is not x86_64"
sed 's|^|/|' <<<"$apk_list" | has_all apk "$(grep -E '^\.(pre|post)-' <<<"$apk_list" || true)"

step "deb: metadata and file list ($deb)"
has '^ Package: regcred$' dpkg-deb -I "$deb" || fail "deb: not named regcred"
has '^/etc/regcred/config.yaml$' dpkg-deb -I "$deb" conffiles || fail "deb: the config is no conffile"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\.||' | has_all deb "$(dpkg-deb -I "$deb" | grep -E '^ +[0-9]+ bytes' || true)"

step "dpkg -i $deb"
dpkg -i "$deb"
trap 'dpkg -P regcred >/dev/null 2>&1 || true' EXIT
/usr/bin/docker-credential-regcred version
has '^platform: linux/amd64$' /usr/bin/docker-credential-regcred version || fail "version names no platform"

step "the demo's registry pull through /usr/bin/docker-credential-regcred"
bash testdata/demo.sh /usr/bin/docker-credential-regcred

step "dpkg -r regcred: the executables go, the config stays"
dpkg -r regcred
for f in /usr/bin/docker-credential-regcred /usr/bin/regcred-engine /usr/bin/regcred-fetch /usr/share/doc/regcred/README.md; do
	[ ! -e "$f" ] || fail "dpkg -r left $f"
done
[ -f /etc/regcred/config.yaml ] || fail "dpkg -r removed /etc/regcred/config.yaml"
dpkg -P regcred
[ ! -e /etc/regcred/config.yaml ] || fail "dpkg -P left /etc/regcred/config.yaml"
trap - EXIT
echo "package-test: deb installed, used for a pull and removed; rpm and apk read"
