#!/usr/bin/env bash
# Builds the wasm core for the browser into target/wasm/ (frameloom.js + frameloom_bg.wasm):
# cargo (release, wasm32, no embedded fonts) -> wasm-bindgen --target web -> wasm-opt (npm binaryen).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

out=target/wasm
bindgen_out=target/wasm-bindgen

# One source of truth for the optimizer flags: [package.metadata.wasm-pack.profile.release].
read -r -a wasm_opt_flags <<<"$(sed -n 's/^wasm-opt = \[\(.*\)\]$/\1/p' Cargo.toml | tr -d '",')"
if [ "${#wasm_opt_flags[@]}" -eq 0 ]; then
  echo "build-wasm: no wasm-opt flags in Cargo.toml [package.metadata.wasm-pack.profile.release]" >&2
  exit 1
fi

# Without the embedded Noto Sans (feature `embed-fonts`): the npm package ships it in fonts/ and
# the worker fetches it the first time a job draws text (keeps the gzipped wasm under 1.5 MB).
cargo build --release --target wasm32-unknown-unknown -p frameloom --no-default-features
rm -rf "$bindgen_out" "$out"
wasm-bindgen --target web --out-dir "$bindgen_out" --out-name frameloom \
  target/wasm32-unknown-unknown/release/frameloom.wasm
mkdir -p "$out"
cp "$bindgen_out/frameloom.js" "$out/"
node_modules/.bin/wasm-opt "${wasm_opt_flags[@]}" "$bindgen_out/frameloom_bg.wasm" -o "$out/frameloom_bg.wasm"
