#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (as root, or with sudo).
# Shared by ./mmforge (the native libraries the commands load) and ./test.sh (those and the test tools).
set -euo pipefail
if ! command -v dpkg >/dev/null; then
  echo "not a Debian system: make sure these are installed: $*" >&2
  exit 0
fi
needed=()
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg"); done
((${#needed[@]})) || exit 0
echo "installing Debian packages: ${needed[*]}" >&2
sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
$sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${needed[@]}" >/dev/null
