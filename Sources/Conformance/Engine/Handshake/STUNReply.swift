import ParleyWire

/// The runner's reading of a STUN response to one of its checks: a success counts only with a FINGERPRINT that
/// verifies when present (RFC 8489 §14.7) and a MESSAGE-INTEGRITY under the server's password (RFC 8445 §7.2.5.2,
/// RFC 8489 §9.1.4); error responses may be unauthenticated (RFC 8489 §6.3.1.1 for 400/401).
struct STUNReply: Sendable {
    enum Kind: Sendable, Equatable {
        case success(mapped: STUNAddress?)
        case error(code: Int, reason: String)
        /// A success without valid MESSAGE-INTEGRITY: a client must ignore it.
        case unauthenticated(String)
        case malformed(String)
    }

    let bytes: [UInt8]
    let from: STUNAddress
    let kind: Kind

    init(bytes: [UInt8], from: STUNAddress, password: String) {
        self.bytes = bytes
        self.from = from
        kind = Self.judge(bytes, password: password)
    }

    static func judge(_ bytes: [UInt8], password: String) -> Kind {
        guard let message = try? STUNMessage.parse(bytes) else { return .malformed("does not parse as STUN") }
        if message.hasFingerprint, !message.verifyFingerprint() { return .malformed("FINGERPRINT does not verify") }
        switch message.type {
        case .bindingSuccess:
            guard message.hasMessageIntegrity else { return .unauthenticated("success without MESSAGE-INTEGRITY") }
            guard message.verifyMessageIntegrity(key: STUNIntegrity.shortTermKey(password: password)) else {
                return .unauthenticated("success whose MESSAGE-INTEGRITY does not verify under the ice-pwd")
            }
            return .success(mapped: message.xorMappedAddress ?? message.mappedAddress)
        case .bindingError:
            guard let error = message.errorCode else { return .malformed("error response without ERROR-CODE") }
            return .error(code: error.code, reason: error.reason)
        default:
            return .malformed("message type \(message.type.rawValue) is not a Binding response")
        }
    }

    var summary: String {
        switch kind {
        case .success(let mapped): "Binding success (XOR-MAPPED-ADDRESS \(mapped.map { "\($0)" } ?? "absent"))"
        case .error(let code, let reason): "Binding error \(code) \(reason)"
        case .unauthenticated(let why): "unauthenticated response: \(why)"
        case .malformed(let why): "malformed response: \(why)"
        }
    }

    var isSuccess: Bool { if case .success = kind { true } else { false } }
}
