import ParleyWire

/// One generated RTP packet and when it is due, relative to the start of its train.
public struct TimedRTPPacket: Sendable, Hashable {
    /// Microseconds after the train's first packet.
    public var offsetMicros: Int64
    public var packet: RTPPacket
    /// False when the train's loss pattern drops it (it is still generated, so tests know what went missing).
    public var delivered: Bool

    public var bytes: [UInt8] { packet.encode() }
}

/// Which packets of a train go missing: deterministic, so a test knows exactly what a receiver must report.
public enum LossPattern: Sendable, Hashable {
    case none
    /// Every `n`th packet (the `n`th, `2n`th, ...; counting from 1).
    case everyNth(Int)
    /// `length` consecutive packets starting at each of `starts` (packet indices from 0).
    case bursts(starts: [Int], length: Int)
    /// Each packet lost with probability `percent`/100, drawn from a ``SeededGenerator`` with `seed`.
    case random(percent: Int, seed: UInt64)

    /// The lost packet indices among `count` packets.
    public func lostIndices(count: Int) -> Set<Int> {
        switch self {
        case .none:
            return []
        case .everyNth(let n):
            guard n > 0 else { return [] }
            return Set(stride(from: n - 1, to: count, by: n))
        case .bursts(let starts, let length):
            return Set(starts.flatMap { start in (start..<min(count, start + max(0, length))) })
        case .random(let percent, let seed):
            var random = SeededGenerator(seed: seed)
            return Set((0..<count).filter { _ in random.int(below: 100) < percent })
        }
    }
}

/// A train of RTP packets with known timing (RFC 3550 §5.1): sequence numbers and timestamps advance by one
/// packet and `timestampStep` per packet from chosen starting values (so wrap-around can be placed where a test
/// wants it), sent every `intervalMicros`, with optional seeded jitter on the send times (never reordering).
public struct RTPTrain: Sendable {
    public var ssrc: UInt32
    public var payloadType: UInt8
    public var firstSequence: UInt16
    public var firstTimestamp: UInt32
    /// RTP clock ticks per packet (960 for 20 ms of Opus at 48 kHz; 3000 for 30 fps video at 90 kHz).
    public var timestampStep: UInt32
    public var intervalMicros: Int64
    /// Up to this many microseconds added to each send time, drawn from `jitterSeed`.
    public var jitterMicros: Int64
    public var jitterSeed: UInt64
    public var loss: LossPattern

    public init(
        ssrc: UInt32, payloadType: UInt8, firstSequence: UInt16 = 1000, firstTimestamp: UInt32 = 10_000,
        timestampStep: UInt32 = 960, intervalMicros: Int64 = 20_000, jitterMicros: Int64 = 0, jitterSeed: UInt64 = 1,
        loss: LossPattern = .none
    ) {
        self.ssrc = ssrc
        self.payloadType = payloadType
        self.firstSequence = firstSequence
        self.firstTimestamp = firstTimestamp
        self.timestampStep = timestampStep
        self.intervalMicros = intervalMicros
        self.jitterMicros = jitterMicros
        self.jitterSeed = jitterSeed
        self.loss = loss
    }

    /// `payloads.count` packets, one payload each; `marker(i)` sets the marker bit (e.g. the last packet of a frame).
    public func packets(payloads: [[UInt8]], marker: (Int) -> Bool = { _ in false }) -> [TimedRTPPacket] {
        let lost = loss.lostIndices(count: payloads.count)
        var jitter = SeededGenerator(seed: jitterSeed)
        var previous: Int64 = -1
        return payloads.enumerated().map { index, payload in
            var offset = Int64(index) * intervalMicros
            if jitterMicros > 0 { offset += Int64(jitter.int(below: Int(jitterMicros) + 1)) }
            offset = max(offset, previous) // jitter never reorders
            previous = offset
            let packet = RTPPacket(
                marker: marker(index), payloadType: payloadType,
                sequenceNumber: firstSequence &+ UInt16(truncatingIfNeeded: index),
                timestamp: firstTimestamp &+ timestampStep &* UInt32(truncatingIfNeeded: index), ssrc: ssrc,
                payload: payload)
            return TimedRTPPacket(offsetMicros: offset, packet: packet, delivered: !lost.contains(index))
        }
    }

    /// `count` packets with seeded pseudo-random payloads of `payloadBytes` each.
    public func packets(count: Int, payloadBytes: Int = 100, seed: UInt64 = 7) -> [TimedRTPPacket] {
        var random = SeededGenerator(seed: seed)
        return packets(payloads: (0..<count).map { _ in random.bytes(payloadBytes) })
    }
}
