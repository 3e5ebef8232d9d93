import Metrics

/// Media-plane counters, exported through swift-metrics (Prometheus at /metrics when the HTTP side bootstraps it).
enum MediaPlaneMetrics {
    /// SRTP/SRTCP packets that failed authentication or replay checks (RFC 3711 §3.3): tampered, replayed or
    /// mis-keyed. Created lazily so the metrics factory the process bootstraps is the one used.
    static let srtpDropped = Counter(label: "parley_webrtc_srtp_dropped_total")
    static let forwardedPackets = Counter(label: "parley_webrtc_rtp_forwarded_total")
    static let sessionsStarted = Counter(label: "parley_webrtc_sessions_started_total")

    /// Creates the counters so /metrics lists them (at 0) from start-up on.
    static func register() {
        srtpDropped.increment(by: 0)
        forwardedPackets.increment(by: 0)
        sessionsStarted.increment(by: 0)
    }
}
