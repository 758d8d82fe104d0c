#!/usr/bin/env bash
# CI: make sure Virtuoso Open Source (virtuoso-t, isql-vt) is installed, for tests/test_servers.py.
# Idempotent: does nothing when virtuoso-t is already there. Installs the Debian package
# non-interactively (no dba password prompt; the tests run their own private database with its
# own ini and never start the system service). Needs root (or sudo) and apt-get.
set -euo pipefail
. "$(dirname "$0")/apt-install.sh"

have_virtuoso() {
  command -v virtuoso-t >/dev/null 2>&1 || [ -x /usr/bin/virtuoso-t ] \
    || [ -x /usr/lib/virtuoso-opensource-7/bin/virtuoso-t ]
}

if have_virtuoso; then
  echo "virtuoso: already installed ($(command -v virtuoso-t || echo /usr/bin/virtuoso-t))"
  exit 0
fi

apt_install "virtuoso-t" virtuoso-opensource

if ! have_virtuoso; then
  echo "error: virtuoso-opensource installed but virtuoso-t not found" >&2
  exit 1
fi
echo "virtuoso: installed ($(command -v virtuoso-t || echo /usr/bin/virtuoso-t))"
