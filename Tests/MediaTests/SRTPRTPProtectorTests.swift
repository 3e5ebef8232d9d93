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
            useOpenSSL: true)
        let libsrtp = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .outbound,
            useOpenSSL: false)
        let receiver = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .inbound)
        #expect(openSSL.rtpProtector != nil && openSSL.rtcpProtector != nil && openSSL.session == nil)
        #expect(libsrtp.rtpProtector == nil && libsrtp.rtcpProtector == nil)
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

    @Test("SRTCP: the same bytes as libsrtp (index from 1, E flag, tag over the trailer); libsrtp unprotects them")
    func rtcpSameBytes() throws {
        let (openSSL, libsrtp, receiver) = try contexts()
        let libsrtpReceiver = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .inbound, useOpenSSL: false)
        for step in 0..<300 {
            // An SR or RR header with a sender SSRC, then a body of varying length (4-byte words).
            let ssrc = UInt32(0x5EED_0000) &+ UInt32(step % 3)
            let words = step % 13
            let plain: [UInt8] =
                [0x80, step % 2 == 0 ? 200 : 201, 0, UInt8(1 + words)]
                + [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
                + (0..<(4 * words)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ step) }
            let ours = try openSSL.protectRTCP(plain)
            #expect(ours == (try libsrtp.protectRTCP(plain)), "packet \(step)")
            #expect(ours.count == plain.count + 14)
            let index = step / 3 + 1 // per SSRC, from 1
            #expect(
                Array(ours[ours.count - 14..<ours.count - 10]) == [0x80, 0, UInt8(index >> 8), UInt8(index & 0xFF)])
            #expect(try receiver.unprotectRTCP(ours) == plain)
            #expect(try libsrtpReceiver.unprotectRTCP(ours) == plain)
        }
        #expect(throws: SRTPError.badLength) { try openSSL.protectRTCP([0x80, 201, 0, 1, 0, 0, 0]) }
        var tight = [UInt8](repeating: 0x80, count: 8 + 13)
        #expect(throws: SRTPError.badLength) {
            try tight.withUnsafeMutableBytes { try openSSL.rtcpProtector!.protect($0, length: 8) }
        }
    }

    /// An RR from `ssrc` with `words` report words.
    func receiverReport(ssrc: UInt32, words: Int = 6) -> [UInt8] {
        [
            0x81, 201, 0, UInt8(1 + words), UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF),
            UInt8(ssrc & 0xFF),
        ] + (0..<(4 * words)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    }

    @Test(
        "SRTCP in: libsrtp's packets verify and decrypt; a replay, a packet behind the 128 window and a tampered tag are refused"
    )
    func rtcpUnprotect() throws {
        let (_, libsrtp, receiver) = try contexts()
        #expect(receiver.rtcpUnprotector != nil)
        let sent = try (0..<200).map { _ in try libsrtp.protectRTCP(receiverReport(ssrc: 0xCAFE_0001)) }
        // Out of order within the window: 150 first, then 0...149 of which only 23...149 are within 128.
        #expect(try receiver.unprotectRTCP(sent[150]) == receiverReport(ssrc: 0xCAFE_0001))
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(sent[150]) }
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(sent[22]) }
        #expect(try receiver.unprotectRTCP(sent[23]) == receiverReport(ssrc: 0xCAFE_0001))
        #expect(try receiver.unprotectRTCP(sent[149]) == receiverReport(ssrc: 0xCAFE_0001))
        #expect(throws: SRTPError.replayed) { try receiver.unprotectRTCP(sent[149]) }
        for packet in sent[151...] { _ = try receiver.unprotectRTCP(packet) }
        var tampered = try libsrtp.protectRTCP(receiverReport(ssrc: 0xCAFE_0001))
        tampered[10] ^= 1
        #expect(throws: SRTPError.authenticationFailed) { try receiver.unprotectRTCP(tampered) }
        tampered[10] ^= 1
        // Refused before, so not recorded: the intact packet still verifies.
        #expect(try receiver.unprotectRTCP(tampered) == receiverReport(ssrc: 0xCAFE_0001))
        #expect(throws: SRTPError.badLength) { try receiver.unprotectRTCP(Array(tampered.prefix(21))) }
        // A different key's packet does not verify.
        let stranger = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: SecureRandom.bytes(16), masterSalt: salt, direction: .outbound)
        #expect(throws: SRTPError.authenticationFailed) {
            try receiver.unprotectRTCP(try stranger.protectRTCP(receiverReport(ssrc: 0xCAFE_0001)))
        }
    }

    @Test("SRTCP in: at most 16 SSRCs per peer; a receive-only context holds no libsrtp session and refuses RTP")
    func rtcpSourcesAndReceiveOnly() throws {
        let sender = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .outbound)
        let player = try SRTPContext(
            profile: .aes128CmHmacSha1_80, masterKey: key, masterSalt: salt, direction: .inbound, receivesRTP: false)
        #expect(player.session == nil && player.rtcpUnprotector != nil)
        for source in 0..<UInt32(SRTCPUnprotector.maximumSources) {
            #expect(try player.unprotectRTCP(try sender.protectRTCP(receiverReport(ssrc: 0x100 + source))).count == 32)
        }
        #expect(throws: SRTPError.self) {
            try player.unprotectRTCP(try sender.protectRTCP(receiverReport(ssrc: 0x999)))
        }
        #expect(throws: SRTPError.self) { try player.unprotectRTP(try sender.protectRTP(packet(ssrc: 7, sequence: 1))) }
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
