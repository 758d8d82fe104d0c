#!/usr/bin/env bash
# CI: make sure Virtuoso Open Source (virtuoso-t, isql-vt) is installed, for tests/test_servers.py.
# Idempotent: does nothing when virtuoso-t is already there. Installs the Debian package
# non-interactively (no dba password prompt; the tests run their own private database with its
# own ini and never start the system service). Needs root (or sudo) and apt-get.
set -euo pipefail

have_virtuoso() {
  command -v virtuoso-t >/dev/null 2>&1 || [ -x /usr/bin/virtuoso-t ] \
    || [ -x /usr/lib/virtuoso-opensource-7/bin/virtuoso-t ]
}

if have_virtuoso; then
  echo "virtuoso: already installed ($(command -v virtuoso-t || echo /usr/bin/virtuoso-t))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: virtuoso-t is missing and apt-get is not available to install it" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "error: installing virtuoso-opensource needs root (or sudo)" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  virtuoso-opensource

if ! have_virtuoso; then
  echo "error: virtuoso-opensource installed but virtuoso-t not found" >&2
  exit 1
fi
echo "virtuoso: installed ($(command -v virtuoso-t || echo /usr/bin/virtuoso-t))"
