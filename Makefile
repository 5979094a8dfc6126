# frameloom. Quick start: `make run` (the product) and `make test` (every test).
# Each target installs what is missing first (scripts/setup.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
.NOTPARALLEL:

PORT ?= 8787
LISTEN := 127.0.0.1:$(PORT)

.PHONY: help run test bench package site lint e2e setup-run setup-test

help:
	@echo "make run      build the wasm and the site, start the server on http://$(LISTEN)/ (PORT=… to change)"
	@echo "make test     install what is missing, then native tests, clippy, wasm build, browser tests, fuzz smoke"
	@echo "make bench    run the benchmarks (frameloom-bench, then the browser benches: bench/browser/run.mjs, router.mjs)"
	@echo "make package  build the npm tarball into target/npm/"
	@echo "make site     build the wasm, the npm package dir and the demo site into target/site/"
	@echo "make lint     clippy on the workspace (native) and on the browser layer (wasm32)"
	@echo "make e2e      the browser tests only (builds the site first)"

run: setup-run site
	cargo build --release -p frameloom-server
	@echo "frameloom: serving http://$(LISTEN)/ (Ctrl-C to stop)"
	cargo run --release -p frameloom-server -- serve --listen $(LISTEN) --data-dir target/run-data --www target/site

test: setup-test
	cargo test --workspace
	node --test tests/server/
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory site
	node --test tests/e2e/
	scripts/fuzz-smoke.sh

bench: setup-run site
	cargo run --release -p frameloom-bench
	node bench/browser/run.mjs
	node bench/browser/router.mjs

package: setup-run
	scripts/build-wasm.sh
	scripts/build-package.sh

site: setup-run
	scripts/build-wasm.sh
	scripts/build-package.sh
	scripts/build-site.sh

lint: setup-run
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p frameloom -- -D warnings

e2e: setup-test site
	node --test tests/e2e/

setup-run:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test
