/// What a player received of one replayed stream, matched to the packets sent by payload (FNV-1a 64 over the
/// RTP payload, as `latency` does): a target may rewrite SSRC, sequence numbers and timestamps, never payloads.
/// Captured payloads can repeat (silence frames), so each fingerprint keeps the send indices that carry it and an
/// arrival takes the earliest one not yet received.
public struct ForwardedPacketTracker: Sendable {
    /// Fingerprint → send indices (in send order) carrying that payload.
    var indicesByFingerprint: [UInt64: [Int]] = [:]
    /// Per fingerprint, how many of its indices were taken.
    var taken: [UInt64: Int] = [:]
    var received: [Bool]
    var highest = -1
    public private(set) var duplicates = 0
    public private(set) var reordered = 0
    /// Payloads that match nothing sent on this stream.
    public private(set) var foreign = 0
    public private(set) var firstArrival: UInt64?

    /// `payloadFingerprints[i]` is the fingerprint of the i-th packet sent.
    public init(payloadFingerprints: [UInt64]) {
        received = [Bool](repeating: false, count: payloadFingerprints.count)
        for (index, fingerprint) in payloadFingerprints.enumerated() {
            indicesByFingerprint[fingerprint, default: []].append(index)
        }
    }

    /// True when the payload belongs to this stream (so a caller with several streams can try the next).
    public func knows(_ fingerprint: UInt64) -> Bool { indicesByFingerprint[fingerprint] != nil }

    public mutating func record(fingerprint: UInt64, arrival: UInt64) {
        guard let indices = indicesByFingerprint[fingerprint] else {
            foreign += 1
            return
        }
        if firstArrival == nil { firstArrival = arrival }
        let next = taken[fingerprint, default: 0]
        guard next < indices.count else {
            duplicates += 1
            return
        }
        taken[fingerprint] = next + 1
        let index = indices[next]
        received[index] = true
        if index < highest { reordered += 1 } else { highest = index }
    }

    public var forwarded: Int { received.lazy.filter { $0 }.count }
    public var sent: Int { received.count }

    /// Runs of consecutive send indices that never arrived (RFC 3550 A.3 counts packets; a gap is one run),
    /// ignoring the tail after the last arrival only when nothing arrived at all.
    public var gaps: [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, got) in received.enumerated() {
            if !got, start == nil { start = index }
            if got, let begin = start {
                runs.append(begin..<index)
                start = nil
            }
        }
        if let begin = start { runs.append(begin..<received.count) }
        return runs
    }
}

extension ForwardedPacketTracker {
    /// FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/) over a payload.
    public static func fingerprint(_ payload: ArraySlice<UInt8>) -> UInt64 {
        OpusFrameSource.fingerprint(payload)
    }
}
