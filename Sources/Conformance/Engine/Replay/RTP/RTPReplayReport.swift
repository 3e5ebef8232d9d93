import Foundation

/// One replayed stream in one session: what was sent, what the player got back, and the send-time drift.
public struct RTPReplayStreamResult: Sendable, Codable {
    public var stream: Int
    public var copy: Int
    public var ssrc: String
    public var kind: String
    public var codec: String
    public var payloadType: Int
    public var clockRate: Int
    public var clockRateSource: String
    public var captured: Int
    public var streamPath: String?
    public var sent = 0
    public var forwarded = 0
    public var lost = 0
    /// Runs of missing packets (in send order).
    public var gaps = 0
    public var largestGap = 0
    public var duplicates = 0
    public var reordered = 0
    /// Payloads the player got that match nothing sent.
    public var foreign = 0
    public var drift = DriftStatistics(driftNanoseconds: [])
    public var error: String?
    /// Why the stream was not replayed at all (encrypted without keys).
    public var skipped: String?

    enum CodingKeys: String, CodingKey {
        case stream, copy, ssrc, kind, codec, payloadType = "payload_type", clockRate = "clock_rate",
            clockRateSource = "clock_rate_source", captured, streamPath = "stream_path", sent, forwarded, lost, gaps,
            largestGap = "largest_gap", duplicates, reordered, foreign, drift, error, skipped
    }

    init(stream: ReplayStream, copy: Int, streamPath: String?) {
        self.stream = stream.index
        self.copy = copy
        ssrc = ReplayStream.hex(stream.ssrc)
        kind = stream.kind.rawValue
        codec = stream.codec
        payloadType = Int(stream.payloadType)
        clockRate = stream.clockRate
        clockRateSource = stream.clockRateSource.rawValue
        captured = stream.packets.count
        self.streamPath = streamPath
    }

    mutating func fill(from tracker: ForwardedPacketTracker, sent: Int, drift: [UInt64]) {
        self.sent = sent
        forwarded = tracker.forwarded
        lost = tracker.sent - tracker.forwarded
        let runs = tracker.gaps
        gaps = runs.count
        largestGap = runs.map(\.count).max() ?? 0
        duplicates = tracker.duplicates
        reordered = tracker.reordered
        foreign = tracker.foreign
        self.drift = DriftStatistics(driftNanoseconds: drift)
    }

    /// The whole capture went out, came back once each, in order.
    public var matchesCapture: Bool {
        error == nil && sent == captured && forwarded == sent && duplicates == 0 && reordered == 0
    }

    var caseID: String {
        "replay/rtp/\(stream)-\(kind)-\(ssrc)" + (copy > 0 ? "@\(copy + 1)" : "")
    }
}

/// The RTP half of a replay: per stream results and the run's send-time drift.
public struct RTPReplayReport: Sendable, Codable {
    public var speed: Double
    public var parallel: Int
    public var durationS: Double
    public var drift: DriftStatistics
    public var streams: [RTPReplayStreamResult]
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case speed, parallel, durationS = "duration_s", drift, streams, error
    }

    static let reference = "docs/replay.md §RTP verdicts"

    /// One case per stream (`replay/rtp/<n>-<kind>-<ssrc>`, `@<copy>` beyond the first copy) plus the discovery
    /// and timing records, for the runner's report formats.
    public func cases(discoveryNotes: [String]) -> [CaseResult] {
        var cases = [
            CaseResult(
                id: "replay/rtp/discovery", title: "RTP streams found in the capture", profile: "replay",
                severity: .info, reference: Self.reference, requirement: "What the runner found and guessed",
                verdict: .info, durationMs: 0, attempts: 1, expected: nil,
                observed: discoveryNotes.joined(separator: "\n"), reason: nil, wire: [])
        ]
        for stream in streams {
            let title =
                "Stream \(stream.stream) (\(stream.kind) \(stream.codec), SSRC \(stream.ssrc)) forwarded whole and in order"
            let expected = "\(stream.captured) packets forwarded once each, in order"
            var verdict: Verdict
            var observed: String? = nil
            var reason: String? = nil
            if let skipped = stream.skipped {
                verdict = .skip
                reason = skipped
            } else if let error = stream.error {
                verdict = .broken
                reason = error
            } else {
                verdict = stream.matchesCapture ? .pass : .fail
                observed = stream.summary
            }
            cases.append(
                CaseResult(
                    id: stream.caseID, title: title, profile: "replay", severity: .must, reference: Self.reference,
                    requirement:
                        "A forwarding server delivers every replayed packet once, in order (loopback: no loss)",
                    verdict: verdict, durationMs: durationS * 1000, attempts: 1, expected: expected,
                    observed: observed, reason: reason, wire: []))
        }
        if drift.samples > 0 {
            cases.append(
                CaseResult(
                    id: "replay/rtp/timing", title: "Send times against the capture's schedule", profile: "replay",
                    severity: .info, reference: Self.reference,
                    requirement: "Drift = actual send − scheduled send on the monotonic clock",
                    verdict: .info, durationMs: durationS * 1000, attempts: 1, expected: nil,
                    observed: String(
                        format: "%d packets at speed %g: drift p50 %.3f ms, p99 %.3f ms, max %.3f ms", drift.samples,
                        speed, drift.p50Ms, drift.p99Ms, drift.maxMs), reason: nil, wire: []))
        }
        return cases
    }

    /// The console table: one line per stream.
    public var table: String {
        var text =
            "stream  kind   codec    PT  clock   captured  sent  forwarded  gaps  dup  reord  drift p50/p99/max ms\n"
        for stream in streams {
            let name = "\(stream.stream)" + (stream.copy > 0 ? "@\(stream.copy + 1)" : "")
            if let skipped = stream.skipped ?? stream.error {
                text += "\(name.padding(toLength: 8, withPad: " ", startingAt: 0))\(stream.kind)  \(skipped)\n"
                continue
            }
            func pad(_ text: String, _ width: Int) -> String {
                text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
            }
            text += pad(name, 8) + pad(stream.kind, 7) + pad(stream.codec, 9) + pad("\(stream.payloadType)", 4)
            text += pad("\(stream.clockRate)", 8) + pad("\(stream.captured)", 10) + pad("\(stream.sent)", 6)
            text += pad("\(stream.forwarded)", 11) + pad("\(stream.gaps)", 6) + pad("\(stream.duplicates)", 5)
            text += pad("\(stream.reordered)", 7)
            text += String(format: "%.2f/%.2f/%.2f\n", stream.drift.p50Ms, stream.drift.p99Ms, stream.drift.maxMs)
        }
        text += String(
            format: "all: %d packets sent at speed %g in %.1f s, drift p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
            drift.samples, speed, durationS, drift.p50Ms, drift.p99Ms, drift.maxMs)
        if let error { text += "error: \(error)\n" }
        return text
    }
}

extension RTPReplayStreamResult {
    var summary: String {
        var text = "forwarded \(forwarded)/\(sent) sent (\(captured) captured)"
        text += ", gaps \(gaps)" + (gaps > 0 ? " (largest \(largestGap))" : "")
        text += ", duplicates \(duplicates), reordered \(reordered)"
        if foreign > 0 { text += ", \(foreign) unknown payloads" }
        text += String(format: "; drift p50 %.3f ms, p99 %.3f ms, max %.3f ms", drift.p50Ms, drift.p99Ms, drift.maxMs)
        return text
    }
}
