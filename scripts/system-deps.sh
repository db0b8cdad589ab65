#!/usr/bin/env bash
# System packages the platform needs beyond Python and npm, from Debian's archive:
#   chromium           real-browser tests (Playwright drives it through executable_path; no browser download)
#   fonts-noto-cjk     Chinese glyphs for PDF reports, matplotlib charts and browser screenshots
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   WeasyPrint's text layout (PDF reports)
#   poppler-utils      pdftotext/pdftoppm: tests read generated PDFs back and render pages to check them
# Idempotent: installs only what is missing. Without root it says what to install and exits 0, so
# `make test` still runs (browser tests then skip with a message saying Chromium is absent).
set -euo pipefail
packages=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils gettext)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
