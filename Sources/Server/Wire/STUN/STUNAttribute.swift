/// RFC 8489 §18.3 and RFC 8445 §16.1 attribute type codes this codec understands.
public enum STUNAttributeType {
    public static let mappedAddress: UInt16 = 0x0001
    public static let username: UInt16 = 0x0006
    public static let messageIntegrity: UInt16 = 0x0008
    public static let errorCode: UInt16 = 0x0009
    public static let unknownAttributes: UInt16 = 0x000A
    public static let realm: UInt16 = 0x0014
    public static let nonce: UInt16 = 0x0015
    public static let messageIntegritySHA256: UInt16 = 0x001C
    public static let xorMappedAddress: UInt16 = 0x0020
    public static let priority: UInt16 = 0x0024
    public static let useCandidate: UInt16 = 0x0025
    public static let software: UInt16 = 0x8022
    public static let fingerprint: UInt16 = 0x8028
    public static let iceControlled: UInt16 = 0x8029
    public static let iceControlling: UInt16 = 0x802A

    /// RFC 8489 §14: 0x0000–0x7FFF must be understood, 0x8000–0xFFFF may be ignored.
    public static func isComprehensionRequired(_ type: UInt16) -> Bool { type < 0x8000 }
}

/// RFC 8489 §14.8: class (hundreds) and number; reason phrase in UTF-8.
public struct STUNErrorCode: Hashable, Sendable {
    public var code: Int
    public var reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let badRequest = STUNErrorCode(code: 400, reason: "Bad Request")
    public static let unauthorized = STUNErrorCode(code: 401, reason: "Unauthorized")
    public static let unknownAttribute = STUNErrorCode(code: 420, reason: "Unknown Attribute")
    /// RFC 8445 §7.3.1.1.
    public static let roleConflict = STUNErrorCode(code: 487, reason: "Role Conflict")
}

public enum STUNAttribute: Hashable, Sendable {
    case mappedAddress(STUNAddress)
    case xorMappedAddress(STUNAddress)
    case username(String)
    case realm(String)
    case nonce(String)
    case software(String)
    case errorCode(STUNErrorCode)
    case unknownAttributes([UInt16])
    /// Value as found in a parsed message; encoders compute their own.
    case messageIntegrity([UInt8])
    case messageIntegritySHA256([UInt8])
    case fingerprint(UInt32)
    /// RFC 8445 §7.1.1.
    case priority(UInt32)
    case useCandidate
    case iceControlled(tieBreaker: UInt64)
    case iceControlling(tieBreaker: UInt64)
    /// Any other attribute, kept verbatim (RFC 8489 §14: unknown comprehension-optional ones are ignored).
    case other(type: UInt16, value: [UInt8])

    public var type: UInt16 {
        switch self {
        case .mappedAddress: STUNAttributeType.mappedAddress
        case .xorMappedAddress: STUNAttributeType.xorMappedAddress
        case .username: STUNAttributeType.username
        case .realm: STUNAttributeType.realm
        case .nonce: STUNAttributeType.nonce
        case .software: STUNAttributeType.software
        case .errorCode: STUNAttributeType.errorCode
        case .unknownAttributes: STUNAttributeType.unknownAttributes
        case .messageIntegrity: STUNAttributeType.messageIntegrity
        case .messageIntegritySHA256: STUNAttributeType.messageIntegritySHA256
        case .fingerprint: STUNAttributeType.fingerprint
        case .priority: STUNAttributeType.priority
        case .useCandidate: STUNAttributeType.useCandidate
        case .iceControlled: STUNAttributeType.iceControlled
        case .iceControlling: STUNAttributeType.iceControlling
        case .other(let type, _): type
        }
    }

    /// Decodes one attribute value; nil when the value is malformed for its type.
    static func decode(type: UInt16, value: ArraySlice<UInt8>, transactionID: STUNTransactionID) -> STUNAttribute? {
        var reader = ByteReader(value)
        switch type {
        case STUNAttributeType.mappedAddress:
            return STUNAddress.decodePlain(value).map(STUNAttribute.mappedAddress)
        case STUNAttributeType.xorMappedAddress:
            return STUNAddress.decodeXOR(value, transactionID: transactionID).map(STUNAttribute.xorMappedAddress)
        case STUNAttributeType.username:
            // §14.3: fewer than 509 bytes.
            return value.count < 509 ? text(value).map(STUNAttribute.username) : nil
        case STUNAttributeType.realm:
            return value.count < 763 ? text(value).map(STUNAttribute.realm) : nil
        case STUNAttributeType.nonce:
            return value.count < 763 ? text(value).map(STUNAttribute.nonce) : nil
        case STUNAttributeType.software:
            return value.count < 763 ? text(value).map(STUNAttribute.software) : nil
        case STUNAttributeType.errorCode:
            guard reader.readUInt16() != nil, let classByte = reader.readUInt8(), let number = reader.readUInt8(),
                (3...6).contains(classByte & 0x07), number < 100,
                let reason = text(reader.readRest())
            else { return nil }
            return .errorCode(STUNErrorCode(code: Int(classByte & 0x07) * 100 + Int(number), reason: reason))
        case STUNAttributeType.unknownAttributes:
            guard value.count % 2 == 0 else { return nil }
            var types = [UInt16]()
            while let next = reader.readUInt16() { types.append(next) }
            return .unknownAttributes(types)
        case STUNAttributeType.messageIntegrity:
            return value.count == 20 ? .messageIntegrity(Array(value)) : nil
        case STUNAttributeType.messageIntegritySHA256:
            // §14.6: truncation to 16 bytes allowed, multiple of 4.
            return (16...32).contains(value.count) && value.count % 4 == 0 ? .messageIntegritySHA256(Array(value)) : nil
        case STUNAttributeType.fingerprint:
            return value.count == 4 ? reader.readUInt32().map(STUNAttribute.fingerprint) : nil
        case STUNAttributeType.priority:
            return value.count == 4 ? reader.readUInt32().map(STUNAttribute.priority) : nil
        case STUNAttributeType.useCandidate:
            return value.isEmpty ? .useCandidate : nil
        case STUNAttributeType.iceControlled:
            return value.count == 8 ? reader.readUInt64().map { .iceControlled(tieBreaker: $0) } : nil
        case STUNAttributeType.iceControlling:
            return value.count == 8 ? reader.readUInt64().map { .iceControlling(tieBreaker: $0) } : nil
        default:
            return .other(type: type, value: Array(value))
        }
    }

    /// Writes the value bytes (no header, no padding).
    func encodeValue(into writer: inout ByteWriter, transactionID: STUNTransactionID) {
        switch self {
        case .mappedAddress(let address): address.encodePlain(into: &writer)
        case .xorMappedAddress(let address): address.encodeXOR(into: &writer, transactionID: transactionID)
        case .username(let s), .realm(let s), .nonce(let s), .software(let s): writer.write(bytes: Array(s.utf8))
        case .errorCode(let error):
            writer.write(UInt16(0))
            writer.write(UInt8(clamping: (error.code / 100) & 0x07))
            writer.write(UInt8(clamping: error.code % 100))
            writer.write(bytes: Array(error.reason.utf8))
        case .unknownAttributes(let types): for type in types { writer.write(type) }
        case .messageIntegrity(let mac), .messageIntegritySHA256(let mac): writer.write(bytes: mac)
        case .fingerprint(let value), .priority(let value): writer.write(value)
        case .useCandidate: break
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker): writer.write(tieBreaker)
        case .other(_, let value): writer.write(bytes: value)
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }
}
