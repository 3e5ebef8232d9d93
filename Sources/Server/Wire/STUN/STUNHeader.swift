import ParleyCrypto

/// RFC 8489 §5: the class bits C1C0 interleaved in the 14-bit message type.
public enum STUNClass: UInt8, Sendable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// RFC 8489 §18.2 method registry (12 bits). Binding is the only method ICE uses.
public struct STUNMethod: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }
    public static let binding = STUNMethod(rawValue: 0x001)
}

/// RFC 8489 §5: method and class packed as M11..M7 C1 M6..M4 C0 M3..M0.
public struct STUNMessageType: Hashable, Sendable {
    public var method: STUNMethod
    public var messageClass: STUNClass

    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    public static let bindingRequest = STUNMessageType(method: .binding, messageClass: .request)
    public static let bindingSuccess = STUNMessageType(method: .binding, messageClass: .successResponse)
    public static let bindingError = STUNMessageType(method: .binding, messageClass: .errorResponse)
    public static let bindingIndication = STUNMessageType(method: .binding, messageClass: .indication)

    public init(rawValue: UInt16) {
        let m = rawValue
        let method = (m & 0x000F) | ((m & 0x00E0) >> 1) | ((m & 0x3E00) >> 2)
        let classBits = ((m & 0x0010) >> 4) | ((m & 0x0100) >> 7)
        self.method = STUNMethod(rawValue: method)
        self.messageClass = STUNClass(rawValue: UInt8(classBits)) ?? .request
    }

    public var rawValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0b01) << 4) | ((c & 0b10) << 7)
    }
}

/// RFC 8489 §5: 96-bit transaction id.
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?<C: Collection<UInt8>>(_ bytes: C) {
        guard bytes.count == 12 else { return nil }
        self.bytes = Array(bytes)
    }

    /// Fresh id from a cryptographically strong source (RFC 8489 §6: uniformly and randomly chosen).
    public static func random() -> STUNTransactionID {
        STUNTransactionID(uncheckedBytes: SecureRandom.bytes(12))
    }

    init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }

    public var description: String { bytes.hexString }
}

public enum STUN {
    /// RFC 8489 §5.
    public static let magicCookie: UInt32 = 0x2112_A442
    public static let headerLength = 20
    /// RFC 8489 §14.7: XORed into the CRC so FINGERPRINT differs from a CRC other protocols might append.
    public static let fingerprintXOR: UInt32 = 0x5354_554E
}

/// Why bytes were rejected as a STUN message.
public enum STUNParseError: Error, Equatable, Sendable {
    case truncated
    case notSTUN
    case lengthMismatch(declared: Int, actual: Int)
    case malformedAttribute(type: UInt16)
    case attributeAfterFingerprint
}
