/// A packet placed on its stream's extended sequence and timestamp axes (RFC 3550 §A.1: 16-bit sequence numbers
/// and 32-bit timestamps wrap; the extension counts the cycles).
struct OrderedRTPPacket: Sendable, Hashable {
    var extendedSequence: Int64
    var extendedTimestamp: Int64
    var arrivalMicros: Int64
    var marker: Bool
    var payload: [UInt8]
}

enum RTPOrdering {
    /// Puts packets (in arrival order) in extended sequence order and drops duplicates (a retransmission, an RTX
    /// copy or a replayed packet keeps the first arrival). Each sequence number is extended relative to the highest
    /// seen so far, so reordering across a wrap lands on the right side of it.
    static func order(_ packets: [CapturedRTPPacket]) -> [OrderedRTPPacket] {
        guard let first = packets.first else { return [] }
        var highestSequence = Int64(first.sequenceNumber)
        var highestTimestamp = Int64(first.timestamp)
        var ordered: [OrderedRTPPacket] = []
        ordered.reserveCapacity(packets.count)
        for packet in packets {
            let sequence = extend(packet.sequenceNumber, near: highestSequence)
            let timestamp = extend(packet.timestamp, near: highestTimestamp)
            highestSequence = max(highestSequence, sequence)
            if sequence == highestSequence { highestTimestamp = timestamp }
            ordered.append(
                OrderedRTPPacket(
                    extendedSequence: sequence, extendedTimestamp: timestamp, arrivalMicros: packet.arrivalMicros,
                    marker: packet.marker, payload: packet.payload))
        }
        // A stable sort keeps the first arrival of a duplicated sequence number first.
        let sorted = ordered.enumerated().sorted {
            ($0.element.extendedSequence, $0.offset) < ($1.element.extendedSequence, $1.offset)
        }.map(\.element)
        var unique: [OrderedRTPPacket] = []
        unique.reserveCapacity(sorted.count)
        for packet in sorted where unique.last?.extendedSequence != packet.extendedSequence {
            unique.append(packet)
        }
        return unique
    }

    /// The value nearest `reference` whose low 16 bits are `sequence`.
    static func extend(_ sequence: UInt16, near reference: Int64) -> Int64 {
        let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: reference)))
        return reference + delta
    }

    /// The value nearest `reference` whose low 32 bits are `timestamp`.
    static func extend(_ timestamp: UInt32, near reference: Int64) -> Int64 {
        let delta = Int64(Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: reference)))
        return reference + delta
    }
}
