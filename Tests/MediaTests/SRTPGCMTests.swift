import Fixtures
import ParleyCrypto
import ParleyMedia
import Testing

@Suite("DTLS-SRTP with AEAD_AES_128_GCM")
struct SRTPGCMTests {
    @Test("a server preferring GCM negotiates it, and the exported GCM keys work both ways in SRTPContext")
    func gcmKeysWork() throws {
        let peers = try DTLSTestPeers(serverProfiles: [.aeadAes128Gcm, .aes128CmHmacSha1_80])
        let (client, server) = try peers.endpoints()
        pump(client, server, now: .zero)
        let material = try #require(client.srtpKeyingMaterial)
        #expect(material == server.srtpKeyingMaterial)
        #expect(material.profile == .aeadAes128Gcm)
        #expect(material.exportedBlock.count == 56, "2 × (16-byte key + 12-byte salt), RFC 7714 §12")

        let clientSide = try SRTPContext.pair(for: material, role: .client)
        let serverSide = try SRTPContext.pair(for: material, role: .server)
        let rtp: [UInt8] =
            [0x80, 96, 0x12, 0x34, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef] + Array(repeating: 0x55, count: 100)

        let upstream = try clientSide.outbound.protectRTP(rtp)
        #expect(upstream.count == rtp.count + 16, "a 16-byte GCM tag")
        #expect(try serverSide.inbound.unprotectRTP(upstream) == rtp)
        let downstream = try serverSide.outbound.protectRTP(rtp)
        #expect(downstream != upstream, "each direction has its own key")
        #expect(try clientSide.inbound.unprotectRTP(downstream) == rtp)

        var tampered = try clientSide.outbound.protectRTP(
            [0x80, 96, 0x12, 0x35, 0, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef] + Array(repeating: 0x55, count: 100))
        tampered[2] ^= 0x80 // the header is authenticated data in GCM
        #expect(throws: SRTPError.self) { try serverSide.inbound.unprotectRTP(tampered) }

        let report: [UInt8] = [0x80, 201, 0, 1, 0xde, 0xad, 0xbe, 0xef]
        #expect(try serverSide.inbound.unprotectRTCP(clientSide.outbound.protectRTCP(report)) == report)
        #expect(throws: SRTPError.authenticationFailed) {
            try clientSide.inbound.unprotectRTP(clientSide.outbound.protectRTP(rtp.with(byte: 3, 0x40)))
        }
    }
}

extension Array<UInt8> {
    func with(byte index: Int, _ value: UInt8) -> [UInt8] {
        var copy = self
        copy[index] = value
        return copy
    }
}
