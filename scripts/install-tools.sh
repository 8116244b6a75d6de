#!/usr/bin/env bash
# Installs what the test suite needs beyond Python, when it is missing:
# from Debian's packages a Java runtime (EPUBCheck runs on it), poppler-utils (pdftotext, pdftoppm),
# Ghostscript (the CMYK output profile a PDF/X embeds; ink coverage) and zbar-tools (barcodes read back),
# Chromium (the preview's browser test drives it headless through the DevTools protocol; Ace drives
# it too), npm and calibre (the tests run its book checker headless, through calibre-debug); from
# npm, DAISY Ace (the accessibility checker) into .tools/ace of the project, without a bundled
# browser: it drives Debian's Chromium (PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v gs >/dev/null 2>&1 || need+=(ghostscript)  # its libgs-common has the CMYK output profile of PDF/X; inkcov measures ink
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)  # reads the cover's barcode back in the tests
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v calibre-debug >/dev/null 2>&1 || need+=(calibre)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install these Debian packages first: ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
ace="$here/.tools/ace"
if [ ! -x "$ace/node_modules/.bin/ace-cli" ]; then
  echo "installing DAISY Ace into .tools/ace"
  mkdir -p "$ace"
  (cd "$ace" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --ignore-scripts @daisy/ace-cli@^1.3 >/dev/null)
fi
