#!/usr/bin/env bash
# Installs what frameloom needs and is missing; prints nothing when all is present.
#   scripts/setup.sh run   what `make run` / `make bench` / `make package` need
#   scripts/setup.sh test  the above, plus the browser and the fuzzer (default)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

profile="${1:-test}"
case "$profile" in
  run | test) ;;
  *) echo "usage: scripts/setup.sh [run|test]" >&2; exit 2 ;;
esac

say() { echo "setup: $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: ffmpeg renders and makes test fixtures; the fonts cover text in any script.
apt_packages=(ffmpeg fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-noto-mono)
if [ "$profile" = test ]; then
  apt_packages+=(chromium chromium-driver)
fi
command -v npm >/dev/null || apt_packages+=(nodejs npm)

missing=()
for pkg in "${apt_packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# cargo install, locked first; some locked versions are missing from the registry mirror.
cargo_install() {
  if ! cargo install --quiet --locked "$@"; then
    say "'cargo install --locked $*' failed; retrying without --locked"
    cargo install --quiet "$@"
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "setup: cannot find the wasm-bindgen version in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  cargo_install wasm-bindgen-cli --version "$bindgen_version"
fi

if [ "$profile" = test ] && ! command -v cargo-fuzz >/dev/null; then
  say "installing cargo-fuzz"
  cargo_install cargo-fuzz
fi

# npm devDependencies (wasm-opt from binaryen, playwright-core); never downloads a browser.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm devDependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
