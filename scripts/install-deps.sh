#!/usr/bin/env bash
# Installs what Parley needs on a fresh Debian 12 machine, only when missing: apt packages for the C media stack
# and test peers, and the pinned Python test tools in ./.venv. Idempotent; safe to run on every `make` call.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config libssl-dev libsrtp2-dev libopus-dev libpcap-dev libsqlite3-dev   # C libraries the package links
  openssl curl                                                              # tests: openssl enc, curl -k
)
# Extra apt packages for the test suite only (`scripts/install-deps.sh --test`).
# Go and Pion build bench/pion-sfu, the third-party WHIP/WHEP target of Tests/Interop/test_conform_whipwhep.py.
APT_TEST_PACKAGES=(php-cli php-curl nodejs chromium wrk iproute2 golang-go golang-github-pion-webrtc.v3-dev
  tshark ffmpeg  # tshark: the loopback capture of Tests/Interop/test_replay_http.py; ffmpeg: ffprobe checks of recordings
  postgresql)  # the throw-away cluster database of scripts/pg-test-cluster.sh (cluster tests, make bench)
# And for `make bench` (`scripts/install-deps.sh --bench`, which includes --test): the baselines and perf
# (gorilla/websocket: the Go room server of bench/room-ws-go); valgrind (callgrind) and binutils (objcopy) count
# instructions per request (bench/callgrind_cost.py).
APT_BENCH_PACKAGES=(node-express linux-perf golang-github-gorilla-websocket-dev valgrind binutils)

want=("${APT_PACKAGES[@]}")
with_test=0
[[ "${1:-}" == "--test" || "${1:-}" == "--bench" ]] && { want+=("${APT_TEST_PACKAGES[@]}"); with_test=1; }
[[ "${1:-}" == "--bench" ]] && want+=("${APT_BENCH_PACKAGES[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ((with_test)); then
  PY=${PYTHON:-python3}
  if [[ ! -x .venv/bin/python ]]; then
    "$PY" -m venv .venv || { $SUDO apt-get install -y -qq python3-venv >/dev/null; "$PY" -m venv .venv; }
  fi
  stamp=.venv/.requirements-$(sha256sum Tests/Interop/requirements.txt | cut -c1-16)
  if [[ ! -f "$stamp" ]]; then
    .venv/bin/pip install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
    rm -f .venv/.requirements-*; touch "$stamp"
  fi
fi

if ((with_test)); then
  # axe-core (MPL-2.0) for the join page's accessibility audit (Tests/Interop/test_join_page.py). PyPI carries it
  # inside the axe-playwright-python wheel: only that one file is taken, Playwright itself is not installed.
  axe=.venv/axe/axe.min.js
  if [[ ! -f "$axe" ]]; then
    tmp=$(mktemp -d)
    .venv/bin/pip download -q --disable-pip-version-check --no-deps -d "$tmp" axe-playwright-python==0.1.8
    mkdir -p .venv/axe
    .venv/bin/python -c 'import sys, zipfile; open(sys.argv[2], "wb").write(
        zipfile.ZipFile(sys.argv[1]).read("axe_playwright_python/axe.min.js"))' "$tmp"/*.whl "$axe.part"
    mv "$axe.part" "$axe"
    rm -rf "$tmp"
  fi
fi
