#!/usr/bin/env bash
# CI: make sure Debian's chromium and chromium-driver are installed, for tests/test_browser.py.
# Idempotent: does nothing when both are already there. Needs root (or sudo) and apt-get.
set -euo pipefail

have_chromium() {
  { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
    && command -v chromedriver >/dev/null 2>&1
}

if have_chromium; then
  echo "chromium: already installed ($(command -v chromium || command -v chromium-browser), $(command -v chromedriver))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: chromium or chromedriver is missing and apt-get is not available to install them" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "error: installing chromium needs root (or sudo)" >&2
    exit 1
  fi
fi

$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  chromium chromium-driver

if ! have_chromium; then
  echo "error: chromium and chromium-driver installed but chromium or chromedriver not found" >&2
  exit 1
fi
echo "chromium: installed ($(command -v chromium), $(command -v chromedriver))"
