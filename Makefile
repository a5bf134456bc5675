# LicenseDesk: `make run` opens the app on the demo organization, `make test` runs every test.
# Both install what they need first (Debian packages, npm packages, tauri-driver).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
BIN := $(CURDIR)/target/debug/licensedesk
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri
UI_SOURCES := $(shell find ui/src -type f) ui/index.html ui/vite.config.ts ui/tsconfig.json

.PHONY: run test bench deps deps-e2e fresh-caches ui app ui-test bindings lint clean package package-debug icons licenses fuzz soak

run: deps app
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found. To run LicenseDesk without one:  xvfb-run -a $(BIN)"; exit 1; \
	fi
	$(BIN) --demo

# The end-to-end tests that run again on PostgreSQL (issue 25): each test's demo is moved to a
# throwaway cluster first (tests/src/engine.rs). Left out: what only a file has (the first
# start on an empty file, backups beside the file, File > New and Open, hostile files, the
# package) and the harness's and the server's own tests.
E2E_ON_SERVER := billing change confirmations desktop editor_save foundation keyboard \
  organization progress reliability removal restore roles savings setup
E2E_FILE_ONLY := an_organization_is_set_up_imported_and_licensed_and_kept \
  settings_lists_backups_and_restores_one_after_native_confirmation

test: deps-e2e fresh-caches ui-test app package-debug
	# Two at a time: each end-to-end test runs a whole WebKit app, and this machine has two cores.
	# Every test first, then the server pass; either failing fails the target.
	status=0; \
	LICENSEDESK_BIN=$(BIN) LICENSEDESK_DEB=$$(ls -t $(CURDIR)/target/debug/bundle/deb/*.deb | head -1) \
	  RUST_TEST_THREADS=2 cargo test --workspace --no-fail-fast || status=1; \
	echo "== The end-to-end tests again, on a PostgreSQL server =="; \
	LICENSEDESK_E2E_ENGINE=server LICENSEDESK_BIN=$(BIN) RUST_TEST_THREADS=2 \
	  cargo test -p licensedesk-e2e --no-fail-fast $(E2E_ON_SERVER:%=--test %) -- \
	  $(E2E_FILE_ONLY:%=--skip %) || status=1; \
	exit $$status

# The fault tests at length (not in CI): 5,000 kills of the crash worker, 5,000 simulated
# power cuts and 10,000 property cases, then their figures as a table. Hours on a 2-core
# machine.
SOAK_KILLS ?= 5000
SOAK_CUTS ?= 5000
SOAK_CASES ?= 10000
soak:
	@mkdir -p target/soak
	LICENSEDESK_KILLS=$(SOAK_KILLS) cargo test -p licensedesk-core --test crash -- --nocapture 2>&1 \
	  | tee target/soak/crash.log | grep -E "^crash test|panicked|test result"
	LICENSEDESK_POWER_CUTS=$(SOAK_CUTS) cargo test -p licensedesk-core --test power_loss -- --nocapture 2>&1 \
	  | tee target/soak/power.log | grep -E "^power loss|panicked|test result"
	@start=$$(date +%s); LICENSEDESK_PROPTEST_CASES=$(SOAK_CASES) cargo test -p licensedesk-core --lib invariants 2>&1 \
	  | tee target/soak/properties.log | grep -E "panicked|test result"; \
	  echo $$(( $$(date +%s) - start )) > target/soak/properties.seconds
	@echo; echo "| Check | Count | Result |"; echo "|---|---|---|"
	@echo "| Worker killed with SIGKILL at random moments | $(SOAK_KILLS) | $$(grep -q 'kills survived' target/soak/crash.log && echo pass || echo FAIL) |"
	@echo "| Power cut at a random step (crash-simulating VFS and files model) | $(SOAK_CUTS) | $$(grep -q 'cuts survived' target/soak/power.log && echo pass || echo FAIL): $$(grep '^power loss:' target/soak/power.log | sed -e 's/^power loss: [0-9]* cuts survived in \([0-9.]*\) s; /in \1 s; /' -e 's/; acknowledged: .*//') |"
	@echo "| Random operation sequences (property cases) | $(SOAK_CASES) | $$(grep -q '1 passed' target/soak/properties.log && echo pass || echo FAIL) in $$(cat target/soak/properties.seconds) s |"
	@echo; grep "^crash test" target/soak/crash.log || true
	@grep "^power loss" target/soak/power.log || true

# Issues 8 and 23's targets on a 100,000-user organization (built once by the demo generator
# and cached in target/bench-data/, as are the 10,000 and 1,000,000-user ones of the growth
# columns; BENCH_SIZES=100000 times one size). Core: criterion suite plus a p95 table. Window:
# the stripped release build under Xvfb (cold starts run directly, the rest through
# tauri-driver), its memory as a multiple of a bare Tauri window's (tests/bare-window). Prints
# target / measured / pass for each. The first run generates the 1,000,000-user organization
# (minutes); nothing else should run meanwhile.
BENCH_DATA := $(CURDIR)/target/bench-data
bench: deps-e2e ui
	mkdir -p $(BENCH_DATA)
	rm -f $(BENCH_DATA)/core-table.md $(BENCH_DATA)/window-table.md $(BENCH_DATA)/import-table.md \
	  $(BENCH_DATA)/server-table.md
	cargo bench -p licensedesk-core --bench scale
	cargo bench -p licensedesk-core --bench import
	LICENSEDESK_BENCH_DB=$$(ls -t $(BENCH_DATA)/org-100000-*.sqlite | head -1) \
	BENCH_SERVER_TABLE=$(BENCH_DATA)/server-table.md \
	  cargo test --release -p licensedesk-core --lib server_bench -- --ignored --nocapture
	cargo build --release -p licensedesk --features custom-protocol
	cargo build --release -p licensedesk-bare-window --features custom-protocol
	LICENSEDESK_BIN=$(CURDIR)/target/release/licensedesk \
	BARE_WINDOW_BIN=$(CURDIR)/target/release/licensedesk-bare-window \
	LICENSEDESK_BENCH_DB=$$(ls -t $(BENCH_DATA)/org-100000-*.sqlite | head -1) \
	BENCH_WINDOW_TABLE=$(BENCH_DATA)/window-table.md \
	  cargo test -p licensedesk-e2e --test bench_window -- --ignored --nocapture
	@echo; echo "== LicenseDesk at 100,000 users (this machine, $$(nproc) cores) =="; echo
	@echo "Core:"; echo; cat $(BENCH_DATA)/core-table.md; echo
	@echo "CSV import (issue 10):"; echo; cat $(BENCH_DATA)/import-table.md; echo
	@echo "On a PostgreSQL server (issue 25):"; echo; cat $(BENCH_DATA)/server-table.md; echo
	@echo "Window:"; echo; cat $(BENCH_DATA)/window-table.md

deps:
	@bash .ci/deps.sh

# The deps step and the licence check in a copy of this checkout with empty cargo and npm
# caches, as on a fresh machine (about 25 s, 850 MB of crates fetched into a temporary folder).
fresh-caches:
	@bash .ci/fresh-caches.sh

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

# The .deb to install (`apt install ./target/release/bundle/deb/licensedesk_*.deb`): an optimised
# release build bundled by the Tauri CLI, with the copyright file, changelog, manual page and
# library dependencies Debian's package checker asks for (.ci/deb-extras.sh). Its version is
# the one of Cargo.toml.
package: deps ui
	$(TAURI) build --no-bundle
	bash .ci/deb-extras.sh target/release/licensedesk
	$(TAURI) bundle --bundles deb --config target/package/release/deb.json
	@ls -l target/release/bundle/deb/*.deb

# The same package around the debug build that the tests use: `make test` checks the package
# (lintian included) without a second, release-sized compile.
package-debug: app
	bash .ci/deb-extras.sh $(BIN)
	$(TAURI) bundle --debug --bundles deb --config target/package/debug/deb.json

# Regenerates every icon size the bundler uses from the one drawing.
icons: ui/node_modules/.package-lock.json
	rm -rf target/icons
	cd ui && npx tauri icon ../src-tauri/icons/source/licensedesk.svg -o ../target/icons >/dev/null
	cp target/icons/{32x32,64x64,128x128,128x128@2x,icon}.png src-tauri/icons/

# Regenerates ui/src/about/licenses.json (the About dialog's list of open-source components)
# from the dependency manifests; a UI test fails while it is stale.
licenses: ui/node_modules/.package-lock.json
	cd ui && node scripts/licenses.mjs

ui-test: deps ui/node_modules/.package-lock.json
	cd ui && npm test

# Regenerates ui/src/backend/bindings.ts from the Rust types.
bindings: ui
	UPDATE_BINDINGS=1 cargo test -p licensedesk-core bindings_are_fresh
	UPDATE_BINDINGS=1 cargo test -p licensedesk --lib command_type_is_fresh

# The real fuzzer (libFuzzer through cargo fuzz) on the user search and every input validator,
# FUZZ_SECONDS per target (default 60). `make test` runs the same checks as property tests.
# cargo fuzz needs nightly compiler features; RUSTC_BOOTSTRAP=1 unlocks them on stable.
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && for t in search validators; do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 || exit 1; \
	done

# The shell's crate embeds the built UI, so clippy needs it (ui/dist).
lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test -p licensedesk-core --test module_cycles --test sql_in_storage
	cd ui && npx tsc --noEmit
	cd ui && npm run lint

clean:
	rm -rf target ui/dist ui/node_modules
