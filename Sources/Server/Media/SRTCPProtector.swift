import CSRTP

/// SRTCP protection of outgoing RTCP for AES_CM_128_HMAC_SHA1_80 (RFC 3711 §3.4) on OpenSSL, so an outbound
/// context of that profile needs no libsrtp session at all: Debian's libsrtp is built on NSS, whose contexts
/// hold ~28 KB per session and cost ~5 µs per packet (every player gets Sender Reports). The bytes are
/// libsrtp's: each SSRC's index starts at 1 and counts its packets (tests compare them).
///
/// Not thread-safe: confine to the owner of the `SRTPContext`.
final class SRTCPProtector {
    /// The E flag and 31-bit SRTCP index (§3.4) that follow the packet, before the tag.
    static let trailerLength = 4
    static let overhead = trailerLength + SRTPCipherKeys.tagLength

    /// SRTCP's session keys (labels 3–5, §4.3.2).
    private let keys: SRTPCipherKeys
    /// Per SSRC (a cryptographic context, §3.2.3), the index of the last packet sent (§3.4: 31 bits, never
    /// reused under one master key). A player's RTCP comes from at most three SSRCs: a linear scan.
    private var indices: [(ssrc: UInt32, index: UInt32)] = []

    init(masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
        keys = try SRTPCipherKeys(masterKey: masterKey, masterSalt: masterSalt, labelBase: 3)
    }

    /// Encrypts the RTCP compound packet in the first `length` bytes of `buffer` after its first header
    /// (8 bytes stay clear), appends E ‖ index and the 80-bit tag over both; returns the new length.
    func protect(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), length >= 8,
            buffer.count >= length + Self.overhead
        else { throw .badLength }
        let ssrc = UInt32(base[4]) << 24 | UInt32(base[5]) << 16 | UInt32(base[6]) << 8 | UInt32(base[7])
        let slot =
            indices.firstIndex { $0.ssrc == ssrc }
            ?? {
                indices.append((ssrc, 0))
                return indices.count - 1
            }()
        // §3.4 / §9.2: the index must not wrap under one key; libsrtp reports the key as expired.
        guard indices[slot].index < 0x7FFF_FFFF else {
            throw .libsrtp(Int32(srtp_err_status_key_expired.rawValue))
        }
        indices[slot].index += 1
        let index = indices[slot].index
        try keys.encrypt(base + 8, count: length - 8, ssrc: ssrc, index: UInt64(index))
        let trailer = 0x8000_0000 | index
        for position in 0..<4 { base[length + position] = UInt8(truncatingIfNeeded: trailer >> (24 - 8 * position)) }
        // Tag = HMAC-SHA1(k_a, packet ‖ E ‖ index), first 80 bits (§3.4, §4.2).
        try keys.authenticate(
            base, length: length + Self.trailerLength, rolloverCounter: nil,
            tag: base + length + Self.trailerLength)
        return length + Self.overhead
    }
}
