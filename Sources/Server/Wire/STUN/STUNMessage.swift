/// A STUN message (RFC 8489 §5–6). Parsing keeps the received bytes so MESSAGE-INTEGRITY and FINGERPRINT can be
/// verified over exactly what arrived; encoding recomputes both from the attribute list.
public struct STUNMessage: Sendable {
    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    /// In wire order, including any MESSAGE-INTEGRITY / FINGERPRINT found by `parse` (encode skips those and
    /// appends freshly computed ones).
    public var attributes: [STUNAttribute]
    /// Padding content is arbitrary (§14); a parsed message remembers the byte it saw so it re-encodes identically.
    public var paddingByte: UInt8 = 0

    /// Bytes this message was parsed from, and where its integrity attributes start (offsets from byte 0).
    public private(set) var receivedBytes: [UInt8]?
    var integrityOffset: Int?
    var integritySHA256Offset: Int?
    var fingerprintOffset: Int?

    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// RFC 8489 §6.3 / RFC 7983: a quick structural test before routing a datagram to the STUN code.
    public static func isSTUN<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        let head = Array(bytes.prefix(8))
        guard head.count == 8, head[0] & 0xC0 == 0, let length = head.bigEndianUInt16(at: 2),
            let cookie = head.bigEndianUInt32(at: 4)
        else { return false }
        return cookie == STUN.magicCookie && length % 4 == 0 && Int(length) + STUN.headerLength == bytes.count
    }

    /// Parses one message that fills the whole datagram.
    public static func parse(_ bytes: [UInt8]) throws(STUNParseError) -> STUNMessage {
        var reader = ByteReader(bytes)
        guard let rawType = reader.readUInt16(), let length = reader.readUInt16(), let cookie = reader.readUInt32(),
            let id = reader.readBytes(12), let transactionID = STUNTransactionID(id)
        else { throw .truncated }
        guard rawType & 0xC000 == 0, cookie == STUN.magicCookie, length % 4 == 0 else { throw .notSTUN }
        guard Int(length) == reader.remaining else {
            throw .lengthMismatch(declared: Int(length), actual: reader.remaining)
        }
        var message = STUNMessage(type: STUNMessageType(rawValue: rawType), transactionID: transactionID)
        message.receivedBytes = bytes
        var sawPadding = false
        while !reader.isAtEnd {
            let start = reader.offset
            guard let type = reader.readUInt16(), let valueLength = reader.readUInt16() else { throw .truncated }
            guard let value = reader.readBytes(Int(valueLength)) else { throw .truncated }
            let padding = (4 - Int(valueLength) % 4) % 4
            guard let pad = reader.readBytes(padding) else { throw .truncated }
            if !sawPadding, let first = pad.first {
                message.paddingByte = first
                sawPadding = true
            }
            if message.fingerprintOffset != nil { throw .attributeAfterFingerprint }
            // §14.5: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count; others are ignored.
            if message.integrityOffset != nil || message.integritySHA256Offset != nil,
                type != STUNAttributeType.fingerprint, type != STUNAttributeType.messageIntegritySHA256
            {
                continue
            }
            guard let attribute = STUNAttribute.decode(type: type, value: value, transactionID: transactionID) else {
                throw .malformedAttribute(type: type)
            }
            switch type {
            case STUNAttributeType.messageIntegrity: message.integrityOffset = start
            case STUNAttributeType.messageIntegritySHA256: message.integritySHA256Offset = start
            case STUNAttributeType.fingerprint: message.fingerprintOffset = start
            default: break
            }
            message.attributes.append(attribute)
        }
        return message
    }

    /// Encodes the attributes (except integrity/fingerprint ones), then appends MESSAGE-INTEGRITY keyed with
    /// `integrityKey` (§14.5), MESSAGE-INTEGRITY-SHA256 keyed with `integritySHA256Key` (§14.6) and FINGERPRINT
    /// (§14.7) as asked, in that order.
    public func encode(
        integrityKey: [UInt8]? = nil, integritySHA256Key: [UInt8]? = nil,
        fingerprint: Bool = false
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.write(type.rawValue)
        writer.write(UInt16(0))
        writer.write(STUN.magicCookie)
        writer.write(bytes: transactionID.bytes)
        for attribute in attributes {
            switch attribute {
            case .messageIntegrity, .messageIntegritySHA256, .fingerprint: continue
            default: append(attribute, to: &writer)
            }
        }
        if let key = integrityKey {
            writer.set(UInt16(clamping: writer.count - STUN.headerLength + 24), at: 2)
            append(.messageIntegrity(STUNIntegrity.hmacSHA1(key: key, message: writer.bytes)), to: &writer)
        }
        if let key = integritySHA256Key {
            writer.set(UInt16(clamping: writer.count - STUN.headerLength + 36), at: 2)
            append(.messageIntegritySHA256(STUNIntegrity.hmacSHA256(key: key, message: writer.bytes)), to: &writer)
        }
        if fingerprint {
            writer.set(UInt16(clamping: writer.count - STUN.headerLength + 8), at: 2)
            append(.fingerprint(CRC32.checksum(writer.bytes) ^ STUN.fingerprintXOR), to: &writer)
        }
        writer.set(UInt16(clamping: writer.count - STUN.headerLength), at: 2)
        return writer.bytes
    }

    private func append(_ attribute: STUNAttribute, to writer: inout ByteWriter) {
        var value = ByteWriter()
        attribute.encodeValue(into: &value, transactionID: transactionID)
        writer.write(attribute.type)
        writer.write(UInt16(clamping: value.count))
        writer.write(bytes: value.bytes)
        while writer.count % 4 != 0 { writer.write(paddingByte) }
    }
}

extension STUNMessage: Equatable {
    /// Messages are equal when they carry the same content. How they were received and the integrity/fingerprint
    /// values (which `encode` computes) do not count.
    public static func == (lhs: STUNMessage, rhs: STUNMessage) -> Bool {
        lhs.type == rhs.type && lhs.transactionID == rhs.transactionID && lhs.contentAttributes == rhs.contentAttributes
    }

    /// The attributes without MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT.
    public var contentAttributes: [STUNAttribute] {
        attributes.filter { attribute in
            switch attribute {
            case .messageIntegrity, .messageIntegritySHA256, .fingerprint: false
            default: true
            }
        }
    }
}
