import ParleyMedia
import ParleyWire
import Testing
@testable import ParleySFU

@Suite("Packet history: answers NACKs from cache, bounded by count and age, across the sequence wrap")
struct RTPPacketHistoryTests {
    let start = MediaTime.zero

    func bytes(_ sequence: UInt16) -> [UInt8] {
        RTPPacket(payloadType: 96, sequenceNumber: sequence, timestamp: 0, ssrc: 1, payload: [UInt8(sequence & 0xFF)])
            .encode()
    }

    @Test("a stored packet is found by its sequence number; a never-stored one is not")
    func lookup() {
        var history = RTPPacketHistory(capacity: 64)
        for sequence: UInt16 in 100..<110 where sequence != 105 {
            history.insert(bytes(sequence), sequence: sequence, arrival: start)
        }
        #expect(history.packet(sequence: 104, now: start) == bytes(104))
        #expect(history.packet(sequence: 105, now: start) == nil)
        #expect(history.packet(sequence: 110, now: start) == nil)
        #expect(RTPPacketHistory().packet(sequence: 0, now: start) == nil)
    }

    @Test("RFC 4585 §6.2.1: every packet a PID + BLP pair marks lost is answered")
    func genericNACKPairs() {
        var history = RTPPacketHistory(capacity: 64)
        for sequence: UInt16 in 0..<40 { history.insert(bytes(sequence), sequence: sequence, arrival: start) }
        // PID 20, BLP 0b1000_0000_0000_0101: 20, 21, 23 and 36.
        let nack = RTCPGenericNACK(
            senderSSRC: 1, mediaSSRC: 2, pairs: [.init(packetID: 20, lostBitmask: 0b1000_0000_0000_0101)])
        #expect(nack.lostSequenceNumbers == [20, 21, 23, 36])
        #expect(nack.lostSequenceNumbers.compactMap { history.packet(sequence: $0, now: start) }.count == 4)
    }

    @Test("across the 16-bit wrap: 65530...5 are all kept and found")
    func wrap() {
        var history = RTPPacketHistory(capacity: 32)
        var sequence: UInt16 = 65_530
        for _ in 0..<12 {
            history.insert(bytes(sequence), sequence: sequence, arrival: start)
            sequence &+= 1
        }
        for probe: UInt16 in [65_530, 65_535, 0, 5] {
            #expect(history.packet(sequence: probe, now: start) == bytes(probe))
        }
        #expect(history.highest == 65_541)
    }

    @Test("bounded by count: the ring keeps the newest `capacity` packets and refuses a packet older than that")
    func countBound() {
        var history = RTPPacketHistory(capacity: 16)
        for sequence: UInt16 in 0..<40 { history.insert(bytes(sequence), sequence: sequence, arrival: start) }
        #expect(history.packet(sequence: 23, now: start) == nil)
        #expect(history.packet(sequence: 24, now: start) == bytes(24))
        #expect(history.packet(sequence: 39, now: start) == bytes(39))
        // A straggler from before the ring must not evict the newer packet in its slot (24 + 16 = 40 → slot 8).
        history.insert(bytes(8), sequence: 8, arrival: start)
        #expect(history.packet(sequence: 8, now: start) == nil)
        #expect(history.packet(sequence: 24, now: start) == bytes(24))
        // A late packet still inside the ring is stored.
        history.insert(bytes(30), sequence: 30, arrival: start)
        #expect(history.packet(sequence: 30, now: start) == bytes(30))
    }

    @Test("bounded by age: a packet older than maxAge is not answered")
    func ageBound() {
        var history = RTPPacketHistory(capacity: 64, maxAge: .milliseconds(500))
        history.insert(bytes(1), sequence: 1, arrival: start)
        history.insert(bytes(2), sequence: 2, arrival: start + .milliseconds(400))
        let now = start + .milliseconds(600)
        #expect(history.packet(sequence: 1, now: now) == nil)
        #expect(history.packet(sequence: 2, now: now) == bytes(2))
    }

    @Test("a slot is matched by extended sequence: the same 16-bit number one cycle later is a different packet")
    func noCrossCycleAnswer() {
        var history = RTPPacketHistory(capacity: 16, maxAge: .seconds(3600))
        history.insert(bytes(7), sequence: 7, arrival: start)
        // Walk forward almost a whole cycle without touching slot 7 (every step lands on a multiple of 16), so
        // the slot still holds packet 7 of cycle 0 when sequence 7 of cycle 1 is asked for.
        var sequence: UInt16 = 1008
        history.insert(bytes(sequence), sequence: sequence, arrival: start)
        for _ in 0..<63 {
            sequence &+= 1024
            history.insert(bytes(sequence), sequence: sequence, arrival: start)
        }
        #expect(history.highest == 65_520)
        #expect(history.packet(sequence: 7, now: start) == nil)
    }

    @Test("capacity is rounded up to a power of two within 16...65536; reset forgets everything")
    func capacityAndReset() {
        #expect(RTPPacketHistory(capacity: 100).capacity == 128)
        #expect(RTPPacketHistory(capacity: 1).capacity == 16)
        #expect(RTPPacketHistory(capacity: 1 << 20).capacity == 65_536)
        var history = RTPPacketHistory(capacity: 16)
        history.insert(bytes(3), sequence: 3, arrival: start)
        history.reset()
        #expect(history.packet(sequence: 3, now: start) == nil)
        #expect(history.highest == nil)
    }
}
