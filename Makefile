# LicenseDesk: `make run` opens the app on the demo organization, `make test` runs every test.
# Both install what they need first (Debian packages, npm packages, tauri-driver).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
BIN := $(CURDIR)/target/debug/licensedesk
UI_SOURCES := $(shell find ui/src -type f) ui/index.html ui/vite.config.ts ui/tsconfig.json

.PHONY: run test deps deps-e2e ui app ui-test bindings lint clean

run: deps app
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found. To run LicenseDesk without one:  xvfb-run -a $(BIN)"; exit 1; \
	fi
	$(BIN) --demo

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

lint: ui/node_modules/.package-lock.json
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npx tsc --noEmit

clean:
	rm -rf target ui/dist ui/node_modules
