# Parley — the two set-up commands are `make serve` and `make test` (see README.md).
SWIFT ?= swift
CONFIG ?=
.DEFAULT_GOAL := help

.PHONY: help deps test-deps build release release-conform serve test bench clean

help:
	@echo "make serve   build (release) and run parley-server on :8080 with embedded defaults (data in ./data)"
	@echo "make test    build once (debug), run the Swift tests and the interop tests against real peers"
	@echo "make bench   benchmarks (release build)"

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build --build-tests

release: deps
	$(SWIFT) build -c release --product parley-server

release-conform: deps
	$(SWIFT) build -c release --product parley-conform

serve: release
	.build/release/parley-server $(if $(CONFIG),--config $(CONFIG),)

# One debug build serves the Swift tests and the interop tests (they start .build/debug/parley-server).
# --no-parallel: on 2 cores, suites that run real servers, sockets and CPU-heavy crypto starve each other's
# timers when run at once; one at a time is both reliable and faster here (~100 s).
test: test-deps build
	$(SWIFT) test --skip-build --no-parallel
	PARLEY_BIN=.build/debug/parley-server CONFORM_BIN=.build/debug/parley-conform \
	  .venv/bin/python -m pytest -q Tests/Interop

bench: test-deps release
	scripts/bench.sh

clean:
	rm -rf .build data
