#!/usr/bin/env bash
# CI: make sure Debian's chromium and chromium-driver are installed, for tests/test_browser.py.
# Idempotent: does nothing when both are already there. Needs root (or sudo) and apt-get.
set -euo pipefail
. "$(dirname "$0")/apt-install.sh"

have_chromium() {
  { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
    && command -v chromedriver >/dev/null 2>&1
}

if have_chromium; then
  echo "chromium: already installed ($(command -v chromium || command -v chromium-browser), $(command -v chromedriver))"
  exit 0
fi
apt_install "chromium" chromium chromium-driver
if ! have_chromium; then
  echo "error: chromium and chromium-driver installed but chromium or chromedriver not found" >&2
  exit 1
fi
echo "chromium: installed ($(command -v chromium), $(command -v chromedriver))"
