/// Distinct VP8-shaped RTP payloads for load runs (not decodable video): each is one whole frame with the RFC 7741
/// §4.2 payload descriptor (S=1, partition 0) and a key-frame header (RFC 6386 §9.1: frame tag with P=0, start
/// code 9d 01 2a, 320×240), so an SFU that waits for a key frame forwards it. A counter after the header makes
/// every payload unique for the fingerprint match.
public struct VP8PayloadSource: Sendable {
    public let payloads: [[UInt8]]

    public init(count: Int, size: Int = 1_200) {
        precondition(size >= 24, "a VP8 payload needs room for its headers and the counter")
        var noise: UInt64 = 0x2545_F491_4F6C_DD1D
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(count)
        for index in 0..<count {
            // Frame tag: key frame, version 0, show_frame, first partition size 100 (little-endian 19 bits).
            let tag = UInt32(1 << 4) | UInt32(100 << 5)
            var payload: [UInt8] = [
                0x10, UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag >> 16 & 0xFF), 0x9D, 0x01, 0x2A,
                0x40, 0x01, 0xF0, 0x00,
            ]
            withUnsafeBytes(of: UInt64(index).bigEndian) { payload += $0 }
            while payload.count < size {
                noise ^= noise << 13
                noise ^= noise >> 7
                noise ^= noise << 17
                payload.append(UInt8(truncatingIfNeeded: noise))
            }
            payloads.append(payload)
        }
        self.payloads = payloads
    }
}
