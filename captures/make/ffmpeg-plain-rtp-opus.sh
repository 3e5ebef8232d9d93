#!/bin/sh
# A plain (unencrypted) RTP Opus stream, no manifest: ffmpeg sends 3 s of a 440 Hz tone as RTP to 127.0.0.1:5004
# while tshark records loopback (DLT_EN10MB on Linux lo). For the heuristics path of `parley-conform replay`.
# Usage: captures/make/ffmpeg-plain-rtp-opus.sh [OUT_DIR]   (root or CAP_NET_RAW for tshark)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/..}
. "$HERE/lib.sh"
need_tools ffmpeg tshark
in_netns "$0" "$@"
PCAP="$OUT/ffmpeg-plain-rtp-opus.pcap"
start_tshark "$PCAP" "udp port 5004"
# -re paces at real time; the SDP ffmpeg prints is not needed (payload type 97, 48 kHz, 2 channels as RFC 7587).
ffmpeg -hide_banner -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
    -ac 2 -c:a libopus -b:a 32k -frame_duration 20 -payload_type 97 -ssrc 1234567 -f rtp "rtp://127.0.0.1:5004?pkt_size=1200" >/dev/null
stop_tshark
chmod 644 "$PCAP"
echo "wrote $PCAP ($(count_packets "$PCAP") packets)"
