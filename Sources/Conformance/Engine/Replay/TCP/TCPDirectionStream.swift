import ParleyWire

/// One direction of one TCP connection, reassembled (RFC 9293 §3.4, §3.10.7.4): bytes in sequence order, with
/// retransmissions and overlaps dropped (the first copy wins, as a receiver keeps what it acknowledged),
/// out-of-order segments held until the hole fills, and holes that never fill reported as gaps.
///
/// Sequence numbers compare modulo 2^32 against the next expected one, so a stream may wrap. Each segment is
/// inserted into a heap once and removed once: O(n log n) in the segment count, no rescans.
public struct TCPDirectionStream: Sendable {
    /// A hole the capture never filled: `length` bytes are missing before `bytes[offset]`.
    public struct Gap: Sendable, Equatable {
        public var offset: Int
        public var length: Int
    }

    /// The reassembled bytes; after ``finish()`` the data beyond each hole follows it directly (see ``gaps``).
    public private(set) var bytes: [UInt8] = []
    /// (offset in `bytes`, capture time in µs) of each delivered run, ascending: when a byte arrived.
    public private(set) var arrivals: [(offset: Int, microseconds: Int64)] = []
    public private(set) var gaps: [Gap] = []
    /// True when no SYN was seen: the stream starts at the first captured byte, not at the connection's start.
    public private(set) var startedMidstream = false
    public private(set) var sawFIN = false
    public private(set) var sawRST = false
    public private(set) var retransmittedBytes = 0
    /// Retransmitted bytes that differ from the first copy (a corrupted or hostile capture).
    public private(set) var conflictingBytes = 0
    /// Bytes dropped by the limits (stream full, pending full, out of window).
    public private(set) var droppedBytes = 0
    public private(set) var outOfOrderSegments = 0

    let limits: TCPStreamLimits
    /// Sequence number of the next byte expected; nil before the first segment.
    private var nextSequence: UInt32?
    /// Offset of the next expected byte in sequence space (bytes.count plus every skipped hole).
    private var position = 0
    private var pending = SegmentHeap()
    private var pendingBytes = 0

    public init(limits: TCPStreamLimits) { self.limits = limits }

    /// True when every byte between the first and the last captured one is present.
    public var isComplete: Bool { gaps.isEmpty && droppedBytes == 0 && pending.isEmpty }

    /// Adds one captured segment of this direction.
    mutating func add(_ segment: CapturedTCPSegment, microseconds: Int64) {
        if segment.flags.contains(.rst) { sawRST = true }
        var sequence = segment.sequenceNumber
        if segment.flags.contains(.syn) {
            // The SYN occupies one sequence number; data starts after it (RFC 9293 §3.4).
            sequence = sequence &+ 1
            if nextSequence == nil || position == 0 {
                nextSequence = sequence
                startedMidstream = false
            }
        }
        if nextSequence == nil {
            nextSequence = sequence
            startedMidstream = true
        }
        if segment.flags.contains(.fin) { sawFIN = true }
        guard !segment.payload.isEmpty, let expected = nextSequence else { return }
        // Signed distance modulo 2^32 (RFC 9293 §3.4 "sequence number comparisons").
        let distance = Int(Int32(bitPattern: sequence &- expected))
        accept(at: position + distance, segment.payload[...], microseconds: microseconds)
    }

    private mutating func accept(at offset: Int, _ payload: ArraySlice<UInt8>, microseconds: Int64) {
        var offset = offset
        var payload = payload
        if offset + payload.count <= position {
            countOverlap(at: offset, payload)
            return
        }
        if offset < position {
            let overlap = position - offset
            countOverlap(at: offset, payload.prefix(overlap))
            payload = payload.dropFirst(overlap)
            offset = position
        }
        if offset > position {
            guard offset - position <= limits.maxWindow, pendingBytes + payload.count <= limits.maxPendingBytes
            else {
                droppedBytes += payload.count
                return
            }
            outOfOrderSegments += 1
            pending.insert(PendingSegment(offset: offset, payload: Array(payload), microseconds: microseconds))
            pendingBytes += payload.count
            return
        }
        append(payload, microseconds: microseconds)
        drainPending()
    }

    private mutating func append(_ payload: ArraySlice<UInt8>, microseconds: Int64) {
        let kept = payload.prefix(max(0, limits.maxStreamBytes - bytes.count))
        droppedBytes += payload.count - kept.count
        // The sequence space advances by the whole segment so later segments still line up.
        position += payload.count
        nextSequence = nextSequence.map { $0 &+ UInt32(truncatingIfNeeded: payload.count) }
        guard !kept.isEmpty else { return }
        arrivals.append((bytes.count, microseconds))
        bytes.append(contentsOf: kept)
    }

    /// Delivers held segments that now touch the end of the stream.
    private mutating func drainPending() {
        while let first = pending.min, first.offset <= position {
            pending.removeMin()
            pendingBytes -= first.payload.count
            accept(at: first.offset, first.payload[...], microseconds: first.microseconds)
        }
    }

    private mutating func countOverlap(at offset: Int, _ payload: ArraySlice<UInt8>) {
        retransmittedBytes += payload.count
        // Compare with the first copy where it is still addressable (no hole skipped in between).
        let skipped = position - bytes.count
        for (index, byte) in zip((offset - skipped)..., payload) where index >= 0 && index < bytes.count {
            if bytes[index] != byte { conflictingBytes += 1 }
        }
    }

    /// End of capture: each hole that never filled becomes a gap, and the data after it follows, so a reader
    /// sees exactly where the stream is unreadable (the missing bytes are never invented).
    mutating func finish() {
        while let first = pending.min {
            if first.offset > position {
                gaps.append(Gap(offset: bytes.count, length: first.offset - position))
                nextSequence = nextSequence.map { $0 &+ UInt32(truncatingIfNeeded: first.offset - position) }
                position = first.offset
            }
            drainPending()
        }
    }

    /// The capture time (µs) at which the byte at `offset` of `bytes` arrived.
    public func arrivalTime(ofByteAt offset: Int) -> Int64? {
        var low = 0
        var high = arrivals.count - 1
        var found: Int64?
        while low <= high {
            let middle = (low + high) / 2
            if arrivals[middle].offset <= offset {
                found = arrivals[middle].microseconds
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found ?? arrivals.first?.microseconds
    }
}
