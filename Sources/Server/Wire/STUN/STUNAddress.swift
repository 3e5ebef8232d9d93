/// A transport address carried by MAPPED-ADDRESS (RFC 8489 §14.1) or XOR-MAPPED-ADDRESS (§14.2).
public struct STUNAddress: Hashable, Sendable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: UInt16

    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    public var description: String { ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)" }

    /// Family 0x01 = IPv4, 0x02 = IPv6 (§14.1).
    var family: UInt8 { ip.isIPv4 ? 0x01 : 0x02 }

    /// §14.1 value: reserved byte, family, port, address.
    static func decodePlain(_ value: ArraySlice<UInt8>) -> STUNAddress? {
        var reader = ByteReader(value)
        guard reader.readUInt8() != nil, let family = reader.readUInt8(), let port = reader.readUInt16() else {
            return nil
        }
        let length = family == 0x01 ? 4 : family == 0x02 ? 16 : -1
        guard length > 0, reader.remaining == length, let raw = reader.readBytes(length),
            let ip = IPAddress(bytes: Array(raw))
        else { return nil }
        return STUNAddress(ip: ip, port: port)
    }

    func encodePlain(into writer: inout ByteWriter) {
        writer.write(UInt8(0))
        writer.write(family)
        writer.write(port)
        writer.write(bytes: ip.bytes)
    }

    /// §14.2: port XOR the cookie's top 16 bits; address XOR the cookie (IPv4) or cookie ‖ transaction id (IPv6).
    static func decodeXOR(_ value: ArraySlice<UInt8>, transactionID: STUNTransactionID) -> STUNAddress? {
        guard let plain = decodePlain(value) else { return nil }
        return plain.xored(transactionID: transactionID)
    }

    func encodeXOR(into writer: inout ByteWriter, transactionID: STUNTransactionID) {
        xored(transactionID: transactionID).encodePlain(into: &writer)
    }

    /// XOR is its own inverse, so the same mapping encodes and decodes.
    func xored(transactionID: STUNTransactionID) -> STUNAddress {
        let cookie: [UInt8] = [0x21, 0x12, 0xA4, 0x42]
        let mask = cookie + transactionID.bytes
        let bytes = zip(ip.bytes, mask).map { $0 ^ $1 }
        // Same length as the input, so the initializer cannot fail; fall back to self defensively.
        guard let masked = IPAddress(bytes: bytes) else { return self }
        return STUNAddress(ip: masked, port: port ^ UInt16(STUN.magicCookie >> 16))
    }
}
