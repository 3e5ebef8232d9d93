import Metrics

/// Per stream path counters in /metrics (`path` label), registered once when a publisher starts on the path and
/// removed when it stops, so the series stay bounded by the live paths. The packet path only increments handles
/// it already holds: swift-prometheus counters and gauges are atomics, so no lock and no allocation per packet.
final class MediaPathMetrics {
    let path: String
    /// RTP from the publisher (every track), as received (SRTP removed).
    let packetsIn: Counter
    let bytesIn: Counter
    /// RTP sent to players: forwarded packets and retransmissions.
    let packetsOut: Counter
    let bytesOut: Counter
    /// Sequence numbers players listed as lost in generic NACKs (RFC 4585 §6.2.1).
    let nacksReceived: Counter
    /// Of those, the ones resent from the path's packet history.
    let nacksAnsweredFromCache: Counter
    /// Sequence numbers asked of the publisher because the history did not hold them.
    let nacksSentUpstream: Counter
    /// Packets resent to players (plain or RTX, RFC 4588).
    let retransmissions: Counter
    /// Picture Loss Indications and Full Intra Requests received from players (RFC 4585 §6.3.1, RFC 5104 §4.3.1).
    let pictureLossIndications: Counter
    let fullIntraRequests: Counter
    /// SRTP/SRTCP packets of the path's sessions that failed authentication or replay checks (RFC 3711 §3.3).
    let srtpFailures: Counter
    /// Players connected or connecting now.
    let players: Gauge

    init(path: String) {
        self.path = path
        let dimensions = [("path", path)]
        func counter(_ name: String) -> Counter {
            let counter = Counter(label: "parley_webrtc_path_\(name)_total", dimensions: dimensions)
            // Listed at 0 from the start, so a scrape shows the path before its first packet.
            counter.increment(by: 0)
            return counter
        }
        packetsIn = counter("packets_in")
        bytesIn = counter("bytes_in")
        packetsOut = counter("packets_out")
        bytesOut = counter("bytes_out")
        nacksReceived = counter("nacks_received")
        nacksAnsweredFromCache = counter("nacks_answered_from_cache")
        nacksSentUpstream = counter("nacks_sent_upstream")
        retransmissions = counter("retransmissions")
        pictureLossIndications = counter("plis_received")
        fullIntraRequests = counter("firs_received")
        srtpFailures = counter("srtp_failures")
        players = Gauge(label: "parley_webrtc_path_players", dimensions: dimensions)
        players.record(0)
    }

    /// Removes the path's series from /metrics (its publisher stopped).
    func unregister() {
        for counter in [
            packetsIn, bytesIn, packetsOut, bytesOut, nacksReceived, nacksAnsweredFromCache, nacksSentUpstream,
            retransmissions, pictureLossIndications, fullIntraRequests, srtpFailures,
        ] {
            counter.destroy()
        }
        players.destroy()
    }
}
