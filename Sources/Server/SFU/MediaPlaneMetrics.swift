import Metrics

/// Media-plane counters, exported through swift-metrics (Prometheus at /metrics once the HTTP side bootstrapped
/// it). Created with each plane rather than as globals, so they bind to the factory bootstrapped before the plane
/// started, whatever touched swift-metrics first.
struct MediaPlaneMetrics {
    /// SRTP/SRTCP packets that failed authentication or replay checks (RFC 3711 §3.3): tampered, replayed or
    /// mis-keyed.
    let srtpDropped = Counter(label: "parley_webrtc_srtp_dropped_total")
    let forwardedPackets = Counter(label: "parley_webrtc_rtp_forwarded_total")
    let sessionsStarted = Counter(label: "parley_webrtc_sessions_started_total")
    /// Offers refused by a session cap (`webrtc.max_*`, answered 503).
    let sessionsRefused = Counter(label: "parley_webrtc_sessions_refused_total")

    /// Lists the counters in /metrics (at their current value) from start-up on.
    init() {
        srtpDropped.increment(by: 0)
        forwardedPackets.increment(by: 0)
        sessionsStarted.increment(by: 0)
        sessionsRefused.increment(by: 0)
    }
}
