import Foundation
import ParleyCrypto

/// Reads a compact JWS (RFC 7515 §7.1) without trusting it, and checks an HS256 signature (RFC 7518 §3.2).
public struct JWTInspector: Sendable {
    public let header: JSONValue
    public let payload: JSONValue
    public let signingInput: String
    public let signature: [UInt8]

    public enum Problem: Error, Sendable, CustomStringConvertible {
        case segments(Int), base64(String), json(String)
        public var description: String {
            switch self {
            case .segments(let n): "has \(n) dot-separated segments, expected 3"
            case .base64(let part): "\(part) is not base64url"
            case .json(let part): "\(part) is not a JSON object"
            }
        }
    }

    public init(_ token: String) throws(Problem) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw .segments(parts.count) }
        guard let headerBytes = Self.base64URLDecode(parts[0]) else { throw .base64("header") }
        guard let payloadBytes = Self.base64URLDecode(parts[1]) else { throw .base64("payload") }
        guard let signature = Self.base64URLDecode(parts[2]) else { throw .base64("signature") }
        guard let header = try? JSONValue.parse(headerBytes), header.objectKeys != nil else { throw .json("header") }
        guard let payload = try? JSONValue.parse(payloadBytes), payload.objectKeys != nil else {
            throw .json("payload")
        }
        self.header = header
        self.payload = payload
        self.signingInput = parts[0] + "." + parts[1]
        self.signature = signature
    }

    public func signatureIsValid(secret: String) -> Bool {
        let expected = HMAC.sha256(key: Array(secret.utf8), message: Array(signingInput.utf8))
        return ConstantTime.equals(expected, signature)
    }

    public static func base64URLDecode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }

    /// Makes an HS256 token (for faulty-target self-tests and examples).
    public static func signHS256(payload: JSONValue, secret: String, header: JSONValue? = nil) -> String {
        let head = header ?? .object([("alg", .string("HS256")), ("typ", .string("JWT"))])
        let input =
            Base64URL.encode(Array(head.compactText.utf8)) + "." + Base64URL.encode(Array(payload.compactText.utf8))
        return input + "." + Base64URL.encode(HMAC.sha256(key: Array(secret.utf8), message: Array(input.utf8)))
    }
}
