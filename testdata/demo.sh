#!/usr/bin/env bash
# make demo: a local registry with htpasswd auth, an image pushed into it, and
# skopeo pulling it through docker-credential-regcred with a static source.
# Everything runs on 127.0.0.1 and is removed at the end.
#
# Only docker-credential-regcred (the front) goes on PATH, as a symlink: it
# resolves the link and runs regcred-engine (or, to renew a token, regcred-fetch)
# from the directory it really lives in (bin/), for whatever it cannot answer alone.
set -euo pipefail
helper=$(realpath "${1:-bin/docker-credential-regcred}")
for exe in regcred-engine regcred-fetch; do
	if [ ! -x "$(dirname "$helper")/$exe" ]; then
		echo "missing: $(dirname "$helper")/$exe (the front runs it from its own directory); make build builds all three" >&2
		exit 1
	fi
done
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v skopeo >/dev/null || need+=(skopeo)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		step "installing ${need[*]}"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "missing: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
		exit 1
	fi
fi

work=$(mktemp -d)
registry_pid=""
cleanup() {
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait "$registry_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin" && ln -s "$helper" "$work/bin/docker-credential-regcred"
# Built before HOME moves: with it go's build and module caches would move
# too, and every run would download and compile go-containerregistry anew
# (minutes on a busy machine).
go build -o "$work/mkimage" ./testdata/tools/mkimage
export PATH="$work/bin:$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
reg="127.0.0.1:$port"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

step "starting docker-registry on $reg with htpasswd auth (user demo)"
htpasswd -Bbn demo "$password" >"$work/htpasswd"
cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: $reg}
auth: {htpasswd: {realm: regcred-demo, path: $work/htpasswd}}
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://$reg/v2/" 2>/dev/null || true)
	[ "$code" = 401 ] && break
	sleep 0.1
done
echo "registry answers /v2/ with HTTP ${code:-nothing} (auth required)"

step "pushing a small image to $reg/demo/hello:1.0"
"$work/mkimage" "$work/layout"
skopeo copy -q --dest-tls-verify=false --dest-creds "demo:$password" "oci:$work/layout" "docker://$reg/demo/hello:1.0"

step "writing the regcred config: the password comes from a file (0600), not the config"
printf '%s\n' "$password" >"$work/password" && chmod 600 "$work/password"
mkdir -p "$XDG_CONFIG_HOME/regcred"
cat >"$XDG_CONFIG_HOME/regcred/config.yaml" <<YAML
registries:
  - match: "$reg/demo"
    static: {username: demo, passwordFile: $work/password}
YAML
sed 's/^/    /' "$XDG_CONFIG_HOME/regcred/config.yaml"

step "skopeo without a helper: the registry refuses"
echo '{}' >"$work/no-helper.json"
if skopeo inspect --tls-verify=false --authfile "$work/no-helper.json" "docker://$reg/demo/hello:1.0" >/dev/null 2>"$work/err"; then
	echo "unexpected: anonymous access worked" >&2; exit 1
fi
sed 's/^/    /' "$work/err" | tail -1

step "skopeo with regcred as credHelper for $reg"
echo "{\"credHelpers\": {\"$reg\": \"regcred\"}}" >"$work/auth.json"
skopeo inspect --tls-verify=false --authfile "$work/auth.json" "docker://$reg/demo/hello:1.0" | grep -E '"(Name|Digest)"'

step "what skopeo asked: docker-credential-regcred get <<< $reg (a static source, read by regcred-engine; secret masked)"
echo "$reg" | docker-credential-regcred get | sed -E 's/"Secret":"[^"]*"/"Secret":"<masked>"/'

step "a registry regcred has no entry for: the protocol's not-found answer (the second time from the front's route alone)"
echo "other.example.com" | docker-credential-regcred get || true
echo "other.example.com" | docker-credential-regcred get || true
ls "${XDG_CACHE_HOME:-$HOME/.cache}/regcred/routes" 2>/dev/null | sed 's/^/    route: /' || true

step "what the front cannot answer alone (here: debug logging) runs regcred-engine from $(dirname "$helper")"
echo "$reg" | REGCRED_LOG=debug docker-credential-regcred get 2>&1 >/dev/null |
	grep -E 'msg=(command|"entries match"|"trying entry"|"credential found")' | sed -E 's/^time=[^ ]+ /    /'

step "done: the helper served the credential; nothing was written outside $work"
