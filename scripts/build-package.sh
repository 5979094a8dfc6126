#!/usr/bin/env bash
# Assembles the npm package in target/npm/package/ from worker-js/ and target/wasm/
# (run scripts/build-wasm.sh first), packs it into target/npm/frameloom-<version>.tgz,
# and reports the package size and the wasm size (raw and gzipped; target: at most 1.5 MiB gzipped).
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=target/npm/package
wasm=target/wasm/frameloom_bg.wasm
if [ ! -f "$wasm" ]; then
  echo "build-package: $wasm is missing; run scripts/build-wasm.sh first" >&2
  exit 1
fi

rm -rf "$pkg"
mkdir -p "$pkg/wasm"
cp worker-js/index.js worker-js/index.d.ts worker-js/worker.js worker-js/ingest.js worker-js/package.json worker-js/README.md "$pkg/"
cp -r worker-js/route worker-js/server "$pkg/"
cp target/wasm/frameloom.js "$wasm" "$pkg/wasm/"

raw=$(stat -c %s "$wasm")
gzipped=$(gzip -9 -c "$wasm" | wc -c)
echo "build-package: frameloom_bg.wasm is $raw bytes ($((raw / 1024)) KiB), $gzipped bytes gzipped ($((gzipped / 1024)) KiB)"

rm -f target/npm/*.tgz
tarball=$(cd "$pkg" && npm pack --silent --pack-destination ..)
packed=$(stat -c %s "target/npm/$tarball")
unpacked=$(du -sb "$pkg" | cut -f1)
echo "build-package: wrote target/npm/$tarball: $packed bytes ($((packed / 1024)) KiB) packed, $unpacked bytes ($((unpacked / 1024)) KiB) unpacked"
limit=$((1536 * 1024))
if [ "$gzipped" -gt "$limit" ]; then
  echo "build-package: warning: the gzipped wasm ($((gzipped / 1024)) KiB) is over the 1.5 MiB target" >&2
fi
