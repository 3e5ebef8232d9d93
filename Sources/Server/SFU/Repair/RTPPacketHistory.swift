import ParleyMedia

/// The recent packets of one publisher track, kept to answer a player's generic NACK (RFC 4585 §6.2.1) from cache
/// instead of asking the publisher.
///
/// A ring of `capacity` slots indexed by sequence number modulo the capacity. The capacity is a power of two no
/// larger than 2^16, so that index stays right across the 16-bit wrap. Each slot keeps the packet's extended
/// sequence number (RFC 3550 Appendix A.1: cycles × 2^16 + sequence), so a lookup answers only for the exact packet
/// of the current cycle, and only while the packet is younger than `maxAge` (an old retransmission is useless to a
/// jitter buffer that has moved on). Insert and lookup are O(1); memory is bounded by the capacity.
struct RTPPacketHistory {
    struct Entry {
        var extendedSequence: Int64
        var arrival: MediaTime
        var packet: [UInt8]
    }

    let capacity: Int
    let maxAge: Duration
    private var slots: [Entry?]
    private var mask: Int64 { Int64(capacity - 1) }
    /// The highest extended sequence number stored so far.
    private(set) var highest: Int64?

    /// `capacity` is rounded up to a power of two and kept within 16...65536.
    init(capacity: Int = 512, maxAge: Duration = .seconds(1)) {
        var size = 16
        while size < min(capacity, 65_536) { size <<= 1 }
        self.capacity = size
        self.maxAge = maxAge
        slots = Array(repeating: nil, count: size)
    }

    /// The extended sequence number of `sequence` nearest to the highest one seen (a step of up to ±2^15).
    func extend(_ sequence: UInt16) -> Int64 {
        guard let highest else { return Int64(sequence) }
        let delta = Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest))
        return highest + Int64(delta)
    }

    /// Stores a packet as it arrived from the publisher (its own sequence space). A packet older than the ring
    /// reaches is dropped: storing it would evict a newer one.
    mutating func insert(_ packet: [UInt8], sequence: UInt16, arrival: MediaTime) {
        let extended = extend(sequence)
        if let highest, extended <= highest - Int64(capacity) { return }
        slots[Int(extended & mask)] = Entry(extendedSequence: extended, arrival: arrival, packet: packet)
        if highest.map({ extended > $0 }) ?? true { highest = extended }
    }

    /// The stored packet with this sequence number, if it is still in the ring and younger than `maxAge`.
    func packet(sequence: UInt16, now: MediaTime) -> [UInt8]? {
        guard highest != nil else { return nil }
        let extended = extend(sequence)
        guard let entry = slots[Int(extended & mask)], entry.extendedSequence == extended,
            entry.arrival.duration(to: now) <= maxAge
        else { return nil }
        return entry.packet
    }

    /// Forgets everything (a new publisher source on the track starts a new sequence space).
    mutating func reset() {
        for index in slots.indices { slots[index] = nil }
        highest = nil
    }
}
