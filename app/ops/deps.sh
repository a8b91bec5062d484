#!/bin/sh
# Install the Debian packages Sen needs, but only those that are missing,
# so that a second `make run` costs nothing.  Usage: deps.sh [group...]
# Groups: build (compile the module), db (a private PostgreSQL), test
# (unit and HTTP tests), browser (web UI tests), bench (load tests),
# fuzz (libFuzzer: clang and its runtime).
set -eu

pkgs_build="kore libjansson-dev libscrypt-dev libpq-dev libcurl4-openssl-dev libcmocka-dev gcc make xxd"
pkgs_db="postgresql postgresql-contrib"
pkgs_test="nodejs npm curl"
pkgs_browser="chromium"
pkgs_bench="wrk"
pkgs_fuzz="clang libclang-rt-dev"

want=""
for g in "$@"; do
	eval "want=\"\$want \$pkgs_$g\""
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		# node may come from elsewhere (nodesource, nvm): accept any node >= 18.
		if [ "$p" = nodejs ] || [ "$p" = npm ]; then
			if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
			    [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ]; then
				continue
			fi
		fi
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "sen: installing Debian packages:$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "sen: need root or sudo to install:$missing" >&2
		exit 1
	}
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
