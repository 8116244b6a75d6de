#!/usr/bin/env bash
# Installs what the test suite needs beyond Python, from Debian's packages, when it is missing:
# a Java runtime (EPUBCheck runs on it), poppler-utils (pdftotext, pdftoppm) and Chromium (the
# preview's browser test drives it headless through the DevTools protocol).
set -euo pipefail
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install these Debian packages first: ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
