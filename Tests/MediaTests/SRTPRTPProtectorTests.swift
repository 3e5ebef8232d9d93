import ParleyCrypto
import Testing
@testable import ParleyMedia

@Suite("OpenSSL RTP protection matches libsrtp")
struct SRTPRTPProtectorTests {
    let key = SecureRandom.bytes(16)
    let salt = SecureRandom.bytes(14)

    func contexts() throws -> (openSSL: SRTPContext, libsrtp: SRTPContext, receiver: SRTPContext) {
        let openSSL = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .outbound,
            useOpenSSLForRTP: true)
        let libsrtp = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .outbound,
            useOpenSSLForRTP: false)
        let receiver = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .inbound)
        #expect(openSSL.rtpProtector != nil)
        #expect(libsrtp.rtpProtector == nil)
        return (openSSL, libsrtp, receiver)
    }

    /// RTP with `ssrc`, `sequence`, optional CSRCs and a one-word header extension.
    func packet(ssrc: UInt32, sequence: UInt16, csrcs: Int = 0, withExtension: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [
            0x80 | UInt8(csrcs) | (withExtension ? 0x10 : 0), 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
            0, 1, 2, UInt8(sequence & 0xFF), UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF),
            UInt8(ssrc & 0xFF),
        ]
        for index in 0..<csrcs { bytes += [0, 0, 0, UInt8(index + 1)] }
        if withExtension { bytes += [0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0] }
        return bytes + (0..<(20 + Int(sequence % 150))).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(sequence)) }
    }

    @Test(
        "the same bytes as libsrtp across a sequence wrap, for two SSRCs, with retransmissions; libsrtp decrypts them")
    func sameBytesAcrossWrap() throws {
        let (openSSL, libsrtp, receiver) = try contexts()
        var sent: [UInt32: [UInt16]] = [:]
        for step in 0..<1_500 {
            for (ssrc, start) in [(UInt32(0x1111_1111), UInt16(64_900)), (UInt32(0x2222_2222), UInt16(40_000))] {
                let sequence = start &+ UInt16(step)
                let plain = packet(ssrc: ssrc, sequence: sequence, csrcs: step % 3, withExtension: step % 5 == 0)
                let ours = try openSSL.protectRTP(plain)
                #expect(ours == (try libsrtp.protectRTP(plain)), "ssrc \(ssrc) seq \(sequence)")
                #expect(try receiver.unprotectRTP(ours) == plain)
                sent[ssrc, default: []].append(sequence)
            }
            if step % 97 == 0, step > 300 {
                // A NACK answer: a packet sent before, protected again with the same index.
                let ssrc = UInt32(0x1111_1111)
                let old = sent[ssrc]![step - 300]
                let plain = packet(ssrc: ssrc, sequence: old)
                #expect(try openSSL.protectRTP(plain) == (try libsrtp.protectRTP(plain)), "resend of \(old)")
            }
        }
    }

    @Test("a new SSRC may start above 2^15, and an index behind the replay window is refused by both")
    func startAndWindow() throws {
        let (openSSL, libsrtp, _) = try contexts()
        let ssrc: UInt32 = 0xABCD_EF01
        for sequence in [UInt16(50_000), 50_001, 51_500] {
            #expect(
                try openSSL.protectRTP(packet(ssrc: ssrc, sequence: sequence))
                    == (try libsrtp.protectRTP(packet(ssrc: ssrc, sequence: sequence))))
        }
        #expect(throws: SRTPError.replayed) { try openSSL.protectRTP(packet(ssrc: ssrc, sequence: 50_001)) }
        #expect(throws: SRTPError.replayed) { try libsrtp.protectRTP(packet(ssrc: ssrc, sequence: 50_001)) }
        let edge = 51_500 - 1_023
        #expect(
            try openSSL.protectRTP(packet(ssrc: ssrc, sequence: UInt16(edge)))
                == (try libsrtp.protectRTP(packet(ssrc: ssrc, sequence: UInt16(edge)))))
    }

    @Test("a truncated extension or a buffer without room for the tag is refused, not read past")
    func malformed() throws {
        let (openSSL, _, _) = try contexts()
        let truncatedExtension: [UInt8] = [0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE]
        #expect(throws: SRTPError.badLength) { try openSSL.protectRTP(truncatedExtension) }
        let overlongExtension: [UInt8] = [0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 9, 1, 2, 3, 4]
        #expect(throws: SRTPError.badLength) { try openSSL.protectRTP(overlongExtension) }
        var tight = packet(ssrc: 1, sequence: 1) + [UInt8](repeating: 0, count: 9)
        #expect(throws: SRTPError.badLength) {
            try tight.withUnsafeMutableBytes { try openSSL.protectRTP(inPlace: $0, length: $0.count - 9) }
        }
    }
}
