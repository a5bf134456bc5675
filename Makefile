# LicenseDesk: `make run` opens the app on the demo organization, `make test` runs every test.
# Both install what they need first (Debian packages, npm packages, tauri-driver).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
BIN := $(CURDIR)/target/debug/licensedesk
UI_SOURCES := $(shell find ui/src -type f) ui/index.html ui/vite.config.ts ui/tsconfig.json

.PHONY: run test deps deps-e2e ui app ui-test bindings lint clean fuzz

run: deps app
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found. To run LicenseDesk without one:  xvfb-run -a $(BIN)"; exit 1; \
	fi
	$(BIN)

test: deps-e2e ui-test app
	# Two at a time: each end-to-end test runs a whole WebKit app, and this machine has two cores.
	LICENSEDESK_BIN=$(BIN) RUST_TEST_THREADS=2 cargo test --workspace

deps:
	@bash .ci/deps.sh

deps-e2e:
	@bash .ci/deps.sh e2e

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run build

ui: ui/dist/index.html

# The UI is embedded into the binary at compile time, so it is built first.
app: ui
	cargo build -p licensedesk

ui-test: ui/node_modules/.package-lock.json
	cd ui && npm test

# Regenerates ui/src/backend/bindings.ts from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p licensedesk-core bindings_are_fresh

# The real fuzzer (libFuzzer through cargo fuzz) on the user search and every input validator,
# FUZZ_SECONDS per target (default 60). `make test` runs the same checks as property tests.
# cargo fuzz needs nightly compiler features; RUSTC_BOOTSTRAP=1 unlocks them on stable.
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for t in search validators; do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 || exit 1; \
	done

lint: ui/node_modules/.package-lock.json
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npx tsc --noEmit

clean:
	rm -rf target ui/dist ui/node_modules
