#!/usr/bin/env bash
# Assembles the npm package in target/npm/package/ from worker-js/ and target/wasm/
# (run scripts/build-wasm.sh first), packs it into target/npm/frameloom-<version>.tgz,
# and reports the package size and the wasm size (raw and gzipped). Fails when the gzipped wasm is
# above 1,500,000 bytes (issue #7's budget). The default fonts (Noto Sans) go in fonts/, outside
# the wasm: the worker fetches them the first time a job draws text.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=target/npm/package
wasm=target/wasm/frameloom_bg.wasm
if [ ! -f "$wasm" ]; then
  echo "build-package: $wasm is missing; run scripts/build-wasm.sh first" >&2
  exit 1
fi

rm -rf "$pkg"
mkdir -p "$pkg/wasm" "$pkg/fonts"
cp worker-js/index.js worker-js/index.d.ts worker-js/worker.js worker-js/ingest.js worker-js/package.json worker-js/README.md "$pkg/"
cp -r worker-js/route worker-js/server "$pkg/"
cp target/wasm/frameloom.js "$wasm" "$pkg/wasm/"
cp assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf assets/fonts/OFL.txt "$pkg/fonts/"

raw=$(stat -c %s "$wasm")
gzipped=$(gzip -9 -c "$wasm" | wc -c)
echo "build-package: frameloom_bg.wasm is $raw bytes ($((raw / 1024)) KiB), $gzipped bytes gzipped ($((gzipped / 1024)) KiB)"

rm -f target/npm/*.tgz
tarball=$(cd "$pkg" && npm pack --silent --pack-destination ..)
packed=$(stat -c %s "target/npm/$tarball")
unpacked=$(du -sb "$pkg" | cut -f1)
echo "build-package: wrote target/npm/$tarball: $packed bytes ($((packed / 1024)) KiB) packed, $unpacked bytes ($((unpacked / 1024)) KiB) unpacked"
limit=1500000
if [ "$gzipped" -gt "$limit" ]; then
  echo "build-package: the gzipped wasm ($gzipped bytes) is over the budget of $limit bytes (issue #7)" >&2
  exit 1
fi
