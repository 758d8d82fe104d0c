#!/usr/bin/env bash
# CI helper, sourced by the install scripts: `apt_install NAME PACKAGE...` installs Debian packages
# non-interactively (root, or sudo), failing with a message naming NAME when that cannot be done.

apt_install() {
  local name="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $name is missing and apt-get is not available to install it" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "error: installing $name needs root (or sudo)" >&2
      return 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
