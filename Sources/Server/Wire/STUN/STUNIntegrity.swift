import ParleyCrypto

/// RFC 8489 §9 credential keys and §14.5–14.7 verification of received messages.
public enum STUNIntegrity {
    /// §9.1.1 short-term credentials: the key is the password (ICE: the receiver's ice-pwd, RFC 8445 §7.2.2).
    /// OpaqueString preparation is not applied: ICE passwords are [A-Za-z0-9+/] only (RFC 8839 §5.4).
    public static func shortTermKey(password: String) -> [UInt8] { Array(password.utf8) }

    /// §9.2.2 long-term credentials with MD5: key = MD5(username ":" realm ":" password). Inputs must already be
    /// prepared (SASLprep/OpaqueString) by the caller.
    public static func longTermKey(username: String, realm: String, password: String) -> [UInt8] {
        Digest.hash(.md5, Array("\(username):\(realm):\(password)".utf8))
    }

    static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] { HMAC.sha1(key: key, message: message) }
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] { HMAC.sha256(key: key, message: message) }
}

extension STUNMessage {
    /// §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the header length adjusted to end just
    /// after it. False when the message was not parsed from bytes or carries no MESSAGE-INTEGRITY.
    public func verifyMessageIntegrity(key: [UInt8]) -> Bool {
        guard let bytes = receivedBytes, let offset = integrityOffset,
            let received = Self.attributeValue(in: bytes, at: offset, length: 20)
        else { return false }
        let expected = STUNIntegrity.hmacSHA1(key: key, message: Self.prefix(bytes, upTo: offset, attributeLength: 24))
        return ConstantTime.equals(expected, received)
    }

    /// §14.6: like `verifyMessageIntegrity`, with HMAC-SHA256 (possibly truncated to the received length).
    public func verifyMessageIntegritySHA256(key: [UInt8]) -> Bool {
        guard let bytes = receivedBytes, let offset = integritySHA256Offset,
            let length = bytes.bigEndianUInt16(at: offset + 2).map(Int.init),
            let received = Self.attributeValue(in: bytes, at: offset, length: length)
        else { return false }
        let mac = STUNIntegrity.hmacSHA256(
            key: key, message: Self.prefix(bytes, upTo: offset, attributeLength: 4 + length))
        return ConstantTime.equals(mac.prefix(length), received)
    }

    /// §14.7: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554E. False without FINGERPRINT.
    public func verifyFingerprint() -> Bool {
        guard let bytes = receivedBytes, let offset = fingerprintOffset,
            let received = bytes.bigEndianUInt32(at: offset + 4)
        else { return false }
        let crc = CRC32.checksum(Self.prefix(bytes, upTo: offset, attributeLength: 8)) ^ STUN.fingerprintXOR
        return crc == received
    }

    /// The bytes before the attribute at `offset`, with the header length set as if the message ended right after
    /// that attribute (`attributeLength` = header + value).
    private static func prefix(_ bytes: [UInt8], upTo offset: Int, attributeLength: Int) -> [UInt8] {
        var head = Array(bytes[..<min(offset, bytes.count)])
        head.setBigEndianUInt16(UInt16(clamping: offset - STUN.headerLength + attributeLength), at: 2)
        return head
    }

    private static func attributeValue(in bytes: [UInt8], at offset: Int, length: Int) -> ArraySlice<UInt8>? {
        let start = offset + 4
        guard start >= 0, start + length <= bytes.count else { return nil }
        return bytes[start..<start + length]
    }
}
