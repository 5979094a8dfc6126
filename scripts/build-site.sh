#!/usr/bin/env bash
# Assembles the demo site in target/site/: www/* plus the npm package under frameloom/
# (run scripts/build-package.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."

site=target/site
if [ ! -f target/npm/package/index.js ]; then
  echo "build-site: target/npm/package is missing; run scripts/build-package.sh first" >&2
  exit 1
fi
rm -rf "$site"
mkdir -p "$site/frameloom"
cp -R www/. "$site/"
cp -R target/npm/package/. "$site/frameloom/"
