import Testing

@testable import ParleyRecording

@Suite("RTP ordering: extended sequence numbers (RFC 3550 §A.1), duplicates")
struct RTPOrderingTests {
    func packet(_ sequence: UInt16, _ timestamp: UInt32, arrival: Int64 = 0) -> CapturedRTPPacket {
        CapturedRTPPacket(
            arrivalMicros: arrival, sequenceNumber: sequence, timestamp: timestamp, marker: false, payload: [1])
    }

    @Test("reordered packets across the 16-bit sequence and 32-bit timestamp wraps come out in order")
    func wrap() {
        let arrivals: [(UInt16, UInt32)] = [
            (65_533, 4_294_966_000), (65_535, 4_294_967_000), (65_534, 4_294_966_500), (1, 704), (0, 200), (2, 1_204),
        ]
        let ordered = RTPOrdering.order(arrivals.map { packet($0.0, $0.1) })
        #expect(ordered.map(\.extendedSequence) == [65_533, 65_534, 65_535, 65_536, 65_537, 65_538])
        let timestamps = ordered.map(\.extendedTimestamp)
        #expect(timestamps == timestamps.sorted())
        #expect(timestamps.last.map(Int.init) == 4_294_968_500) // 2^32 + 1204
    }

    @Test("a duplicate keeps its first arrival; a late packet below the first is still placed")
    func duplicates() {
        let ordered = RTPOrdering.order([
            packet(10, 100, arrival: 1), packet(11, 200, arrival: 2), packet(10, 100, arrival: 3),
            packet(9, 0, arrival: 4),
        ])
        #expect(ordered.map(\.extendedSequence) == [9, 10, 11])
        #expect(ordered[1].arrivalMicros == 1)
        #expect(RTPOrdering.order([]).isEmpty)
    }
}
