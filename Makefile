# Parley — the two set-up commands are `make serve` and `make test` (see README.md).
SWIFT ?= swift
CONFIG ?=
.DEFAULT_GOAL := help

.PHONY: help deps test-deps build release release-conform serve test bench fuzz lint format clean

help:
	@echo "make serve   build (release) and run parley-server on :8080 with embedded defaults (data in ./data)"
	@echo "make test    build once (debug), run the Swift tests and the interop tests against real peers"
	@echo "make bench   benchmarks (release build)"
	@echo "make fuzz    libFuzzer targets for the parsers, FUZZ_SECONDS each (default 20; Fuzz/README.md)"
	@echo "make lint    check the Swift formatting (.swift-format); make format rewrites it"

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error

release: deps
	$(SWIFT) build -c release --product parley-server

release-conform: deps
	$(SWIFT) build -c release --product parley-conform

serve: release
	.build/release/parley-server $(if $(CONFIG),--config $(CONFIG),)

# One debug build serves the Swift tests and the interop tests (they start .build/debug/parley-server).
# --no-parallel: on 2 cores, suites that run real servers, sockets and CPU-heavy crypto starve each other's
# timers when run at once; one at a time is both reliable and faster here (~100 s).
# One throw-away PostgreSQL (scripts/pg-test-cluster.sh) serves both: PARLEY_TEST_DATABASE_URL names it, each test
# makes its own database in it; without the binaries the PostgreSQL tests skip. Stopped and deleted on any exit.
# The interop tests run on INTEROP_WORKERS pytest-xdist workers (0: in this process, one at a time); the media-heavy
# ones share one xdist group and so never overlap (Tests/Interop/conftest.py says which).
INTEROP_WORKERS ?= 2
test: test-deps build
	@pg=$$(mktemp -d /tmp/parley-pg.XXXXXX); trap 'scripts/pg-test-cluster.sh stop "'"$$pg"'" >/dev/null 2>&1; rm -rf "'"$$pg"'"' EXIT; \
	port=$$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	if url=$$(scripts/pg-test-cluster.sh start "$$pg" "$$port"); then export PARLEY_TEST_DATABASE_URL=$$url; \
	  echo "make test: PostgreSQL for the tests at $$url"; else echo "make test: no PostgreSQL; its tests skip"; fi; \
	set -e; $(SWIFT) test --skip-build --no-parallel; \
	PARLEY_BIN=.build/debug/parley-server CONFORM_BIN=.build/debug/parley-conform \
	  .venv/bin/python -m pytest -q -n $(INTEROP_WORKERS) --dist loadgroup Tests/Interop

# Installs its own baselines (scripts/install-deps.sh --bench); BENCH_* knobs at the top of scripts/bench.sh.
bench: release
	SWIFT=$(SWIFT) scripts/bench.sh

# One line per target: `fuzz <target>: <execs> execs, <crashes> crashes`; non-zero exit on a finding.
FUZZ_SECONDS ?= 20
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

# swift-format ships with the toolchain; .swift-format holds the house style (4 spaces, 120 columns).
SWIFT_SOURCES = Package.swift Sources Tests Fuzz bench
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(SWIFT_SOURCES)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(SWIFT_SOURCES)

clean:
	rm -rf .build .build-fuzz data
