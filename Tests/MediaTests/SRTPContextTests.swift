import ParleyCrypto
import ParleyMedia
import Testing

/// An RTP packet (RFC 3550 §5.1): V=2, PT 111 (Opus), given sequence number, SSRC 0x11223344.
func rtpPacket(sequence: UInt16, payload: [UInt8] = Array(0..<40)) -> [UInt8] {
    [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xff), 0, 0, 0x03, 0xc0, 0x11, 0x22, 0x33, 0x44] + payload
}

/// A receiver report with no blocks (RFC 3550 §6.4.2): 8 bytes.
let emptyReceiverReport: [UInt8] = [0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44]

@Suite("libsrtp")
struct SRTPContextTests {
    let key = SecureRandom.bytes(16)
    let salt = SecureRandom.bytes(14)

    /// A context keyed with this suite's key and salt, the profile WebRTC offers by default.
    func context(_ direction: SRTPDirection) throws -> SRTPContext {
        try SRTPContext(profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: direction)
    }

    @Test("libsrtp protects and unprotects an RTP packet, and refuses a tampered one")
    func protectUnprotectTamper() throws {
        let sender = try context(.outbound)
        let receiver = try context(.inbound)
        let plain = rtpPacket(sequence: 1000)
        let protected = try sender.protectRTP(plain)
        #expect(protected.count == plain.count + 10, "an 80-bit tag is appended")
        #expect(Array(protected.prefix(12)) == Array(plain.prefix(12)), "the header stays in the clear")
        #expect(Array(protected[12..<plain.count]) != Array(plain[12...]), "the payload is encrypted")
        #expect(try receiver.unprotectRTP(protected) == plain)

        var tampered = try sender.protectRTP(rtpPacket(sequence: 1001))
        tampered[20] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTP(tampered) }

        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTP(protected) }
    }

    @Test("protecting in place gives the same bytes as the copying API and refuses a buffer without trailer room")
    func protectInPlace() throws {
        let copying = try context(.outbound)
        let inPlace = try context(.outbound)
        let receiver = try context(.inbound)
        for sequence in UInt16(500)..<520 {
            let plain = rtpPacket(sequence: sequence, payload: Array(repeating: UInt8(sequence & 0xFF), count: 90))
            let expected = try copying.protectRTP(plain)
            var buffer = plain + [UInt8](repeating: 0, count: 10)
            let length = try buffer.withUnsafeMutableBytes { try inPlace.protectRTP(inPlace: $0, length: plain.count) }
            #expect(length == expected.count)
            #expect(Array(buffer.prefix(length)) == expected)
            #expect(try receiver.unprotectRTP(Array(buffer.prefix(length))) == plain)
        }
        var tight = rtpPacket(sequence: 600) + [UInt8](repeating: 0, count: 9)
        #expect(throws: SRTPError.badLength) {
            try tight.withUnsafeMutableBytes { try inPlace.protectRTP(inPlace: $0, length: $0.count - 9) }
        }
        var short = [UInt8](repeating: 0x80, count: 30)
        #expect(throws: SRTPError.badLength) {
            try short.withUnsafeMutableBytes { try inPlace.protectRTP(inPlace: $0, length: 11) }
        }
    }

    @Test("a receiver keyed differently rejects the packet as unauthenticated")
    func wrongKeyFailsAuthentication() throws {
        let sender = try context(.outbound)
        let stranger = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: SecureRandom.bytes(16),
            masterSalt: salt, direction: .inbound)
        #expect(throws: SRTPError.authenticationFailed) {
            try stranger.unprotectRTP(try sender.protectRTP(rtpPacket(sequence: 7)))
        }
    }

    @Test("SRTCP round trip appends E-flag, index and tag")
    func rtcpRoundTrip() throws {
        let sender = try context(.outbound)
        let receiver = try context(.inbound)
        let protected = try sender.protectRTCP(emptyReceiverReport)
        #expect(protected.count == emptyReceiverReport.count + 4 + 10)
        #expect(protected[emptyReceiverReport.count] & 0x80 != 0, "E flag set: the report is encrypted")
        #expect(try receiver.unprotectRTCP(protected) == emptyReceiverReport)
    }

    @Test("short, empty and wrongly keyed inputs throw instead of trapping")
    func badInputsThrow() throws {
        #expect(throws: SRTPError.badKey) {
            try SRTPContext(profile: .aes128CmHmacSha1_80, masterKey: [1, 2, 3], masterSalt: salt, direction: .inbound)
        }
        let receiver = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt,
            direction: .inbound)
        let sender = try context(.outbound)
        for input: [UInt8] in [[], [0x80], Array(repeating: 0x80, count: 21)] {
            #expect(throws: SRTPError.self) { try receiver.unprotectRTP(input) }
            #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(input) }
        }
        #expect(throws: SRTPError.self) { try sender.protectRTP([0x80, 111, 0]) }
        // A header that claims 15 CSRCs but carries none.
        #expect(throws: SRTPError.self) { try sender.protectRTP([0x8f] + Array(rtpPacket(sequence: 1).dropFirst())) }
        var random = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? receiver.unprotectRTP(noise)
            _ = try? receiver.unprotectRTCP(noise)
        }
    }
}
