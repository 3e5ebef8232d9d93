import ParleyMedia

/// The bitrate Parley tells a publisher it may send, as a REMB (draft-alvestrand-rmcat-remb-03 §2): without any
/// feedback a browser's send-side estimate stays at its start value (Chromium: 300 kbit/s), and a REMB is the
/// feedback it reads when the answer negotiated `goog-remb` and no transport-cc.
///
/// Deliberately simple, after the loss-based controller of draft-ietf-rmcat-gcc-02 §6: once per interval the
/// received bitrate is measured and, with the loss fraction of the same interval (the Receiver Report's),
/// - loss under 2%: the estimate may grow to the measured rate times `headroom`, so a sender limited by the
///   last REMB can step up (it never shrinks here: a sender below the estimate is simply sending less);
/// - loss over 10%: the estimate drops to the measured rate × (1 − loss/2), as §6 does;
/// - in between: it holds.
/// It is then capped by the smallest REMB a player sent recently (one forwarded stream cannot exceed what its
/// slowest receiver takes) and kept within `minimum...maximum`.
struct PublisherBitrateEstimator {
    let minimum: UInt64
    let maximum: UInt64
    let headroom: Double
    /// How long a player's REMB caps the estimate after it arrived.
    let playerEstimateLifetime: Duration
    private(set) var estimate: UInt64
    private var bytesSinceUpdate: Int = 0
    private var lastUpdate: MediaTime?
    /// Player REMBs by player (session id): bounded by the number of players of the path.
    private var playerEstimates: [String: (bitrate: UInt64, at: MediaTime)] = [:]

    init(
        initial: UInt64 = 1_000_000, minimum: UInt64 = 100_000, maximum: UInt64 = 4_000_000,
        headroom: Double = 1.5, playerEstimateLifetime: Duration = .seconds(5), startingAt start: MediaTime? = nil
    ) {
        lastUpdate = start
        self.minimum = minimum
        self.maximum = max(maximum, minimum)
        self.headroom = headroom
        self.playerEstimateLifetime = playerEstimateLifetime
        estimate = min(max(initial, minimum), self.maximum)
    }

    /// One RTP packet of the publisher (any track), `bytes` long as received.
    mutating func received(bytes: Int) {
        bytesSinceUpdate &+= bytes
    }

    /// A REMB from a player of this publisher's stream.
    mutating func playerReported(_ bitrate: UInt64, player: String, at now: MediaTime) {
        playerEstimates[player] = (bitrate, now)
    }

    mutating func playerLeft(_ player: String) {
        playerEstimates[player] = nil
    }

    /// Closes an interval: returns the new estimate, or nil when no interval was open (the first call without a
    /// `start`).
    /// `fractionLost` is the RFC 3550 §6.4.1 8-bit fraction of the same interval.
    mutating func update(fractionLost: UInt8, at now: MediaTime) -> UInt64? {
        defer {
            bytesSinceUpdate = 0
            lastUpdate = now
        }
        guard let last = lastUpdate else { return nil }
        let elapsed = now.nanoseconds &- last.nanoseconds
        guard elapsed > 0 else { return nil }
        let measured = Double(bytesSinceUpdate) * 8 * 1e9 / Double(elapsed)
        let loss = Double(fractionLost) / 256
        var next = Double(estimate)
        if loss < 0.02 {
            next = max(next, measured * headroom)
        } else if loss > 0.10 {
            next = min(next, measured) * (1 - loss / 2)
        }
        for (player, reported) in playerEstimates {
            if reported.at.duration(to: now) > playerEstimateLifetime {
                playerEstimates[player] = nil
            } else {
                next = min(next, Double(reported.bitrate))
            }
        }
        estimate = UInt64(min(max(next, Double(minimum)), Double(maximum)))
        return estimate
    }
}
