#!/usr/bin/env bash
# Installs everything the tests need, starts a throwaway PostgreSQL, runs the whole suite, stops it.
#   bash scripts/test.sh            # the full suite (what CI runs)
#   bash scripts/test.sh -k cap     # any pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# shellcheck source=scripts/pg.sh
. scripts/pg.sh
wb_pg_start
trap wb_pg_stop EXIT

.venv/bin/python -m pytest "$@"
