#!/usr/bin/env bash
# System packages the platform needs beyond Python and npm, from Debian's archive:
#   chromium           real-browser tests (Playwright drives it through executable_path; no browser download)
#   fonts-noto-cjk     Chinese glyphs for PDF reports, matplotlib charts and browser screenshots; Noto Serif CJK SC
#                      stands in for 小标宋 (report titles) and 宋体 (page numbers), Noto Sans CJK SC for 黑体
#   fonts-arphic-uming AR PL UMing CN: stands in for 仿宋_GB2312 (report body, GB/T 9704-2012)
#   fonts-arphic-ukai  AR PL UKai CN: stands in for 楷体_GB2312 (second-level headings)
#   libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   WeasyPrint's text layout (PDF reports)
#   poppler-utils      pdftotext/pdftoppm: tests read generated PDFs back and render pages to check them
# Idempotent: installs only what is missing. Without root it says what to install and exits 0, so
# `make test` still runs (browser tests then skip with a message saying Chromium is absent).
set -euo pipefail
packages=(chromium fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils gettext)
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
