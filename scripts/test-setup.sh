#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine of this
# kind (Node 20, pyenv Pythons), then the npm dependencies. Safe to re-run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
pkgs=(gcc zsh fish shellcheck tmux strace direnv python3-coverage python3-behave chromium openssh-server iproute2 git valgrind diff-cover lcov time)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Another user of the installs, for the tests of shared installs (install
# scope, --group): a member of covshim-test, no home, no login.
getent group covshim-test >/dev/null || $SUDO groupadd covshim-test
id covshim-other >/dev/null 2>&1 || $SUDO useradd -M -N -g nogroup -G covshim-test -s /usr/sbin/nologin covshim-other
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
