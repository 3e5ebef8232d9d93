# Shared by the captures/make scripts: tools installed on demand, tshark started and stopped around a session.

need_tools() {
    missing=""
    for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
    [ -z "$missing" ] && return 0
    packages=""
    for tool in $missing; do
        case "$tool" in
        tshark) packages="$packages tshark" ;;
        ffmpeg) packages="$packages ffmpeg" ;;
        *) echo "missing $tool" >&2; exit 1 ;;
        esac
    done
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    # tshark asks whether non-root users may capture; the non-interactive frontend takes the default (no).
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages
}

# start_tshark FILE FILTER: records loopback into FILE (classic pcap) until stop_tshark.
start_tshark() {
    TSHARK_FILE=$1
    mkdir -p "$(dirname "$1")"
    rm -f "$1"
    tshark -i lo -F pcap -w "$1" -f "$2" -q >/dev/null 2>"$1.tshark.log" &
    TSHARK_PID=$!
    # On any failure, leave no capture running (the namespace goes, a process in it would not).
    trap 'kill -INT "$TSHARK_PID" 2>/dev/null; [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null' EXIT
    # Wait until tshark has opened the interface (it writes the file header then).
    i=0
    while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.5
}

stop_tshark() {
    sleep 0.5
    kill -INT "$TSHARK_PID" 2>/dev/null || true
    wait "$TSHARK_PID" 2>/dev/null || true
    rm -f "$TSHARK_FILE.tshark.log"
}

count_packets() { tshark -r "$1" 2>/dev/null | wc -l; }

# in_netns "$0" "$@": re-runs the calling script inside a fresh loopback-only network namespace (root), so the
# capture holds only its own traffic and fixed ports cannot collide with anything else on the machine.
in_netns() {
    [ -n "${PARLEY_CAPTURE_NETNS:-}" ] && { ip link set lo up; return 0; }
    script=$1; shift
    PARLEY_CAPTURE_NETNS=1 exec unshare -n sh "$script" "$@"
}
