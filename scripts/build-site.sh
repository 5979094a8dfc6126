#!/usr/bin/env bash
# Assembles the demo site in target/site/: www/* plus the npm package under frameloom/
# (run scripts/build-package.sh first), and precache.js for the service worker (sw.js):
# every file of the site and a version that changes whenever any of them changes.
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

# The precache list: the page at ./, then every file but the service worker itself and docs.
files=$(cd "$site" && find . -type f ! -name sw.js ! -name precache.js ! -name '*.md' ! -name '*.d.ts' ! -name package.json | LC_ALL=C sort)
version=$(cd "$site" && { echo "$files"; echo ./sw.js; } | xargs sha256sum | sha256sum | cut -c1-16)
{
  echo "// Written by scripts/build-site.sh: what sw.js caches, and the cache version."
  echo "self.FRAMELOOM_PRECACHE = {"
  echo "  version: '$version',"
  echo "  files: ["
  echo "    './',"
  echo "$files" | sed "s/.*/    '&',/"
  echo "  ],"
  echo "};"
} > "$site/precache.js"
echo "build-site: $site ($(echo "$files" | wc -l) files precached, version $version)"
