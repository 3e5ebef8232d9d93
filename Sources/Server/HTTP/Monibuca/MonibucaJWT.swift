import Foundation
import ParleyCrypto

/// Claims of a Monibuca admin token, as v5 writes them (`jwt.RegisteredClaims`: sub, iat, nbf, exp).
public struct MonibucaClaims: Sendable, Equatable {
    public var sub: String
    public var iat: Date
    public var nbf: Date
    public var exp: Date

    public init(sub: String, iat: Date, nbf: Date, exp: Date) {
        self.sub = sub
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
    }
}

/// Why a presented token was refused; each has its own message in the 401 envelope.
public enum MonibucaTokenRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case missing
    case malformed(String)
    case algorithm(String)
    case badSignature
    case expired
    case notYetValid

    public var description: String {
        switch self {
        case .missing: "missing authorization header (expected: Authorization: Bearer <token>)"
        case .malformed(let why): "malformed token: \(why)"
        case .algorithm(let alg): "token algorithm \(alg) is not accepted (HS256 only)"
        case .badSignature: "invalid token signature"
        case .expired: "token expired"
        case .notYetValid: "token not valid yet (nbf is in the future)"
        }
    }
}

/// Issues and checks the HS256 JWTs of `POST /api/login` (key `auth.secret`, lifetime `auth.expire`).
///
/// Compact JWS (RFC 7515 §7.1) with HMAC-SHA256 (RFC 7518 §3.2), written here rather than with jwt-kit because
/// jwt-kit traps (debug assertion) on keys shorter than 32 bytes, and Monibuca users' secrets often are
/// (v5's default `m7s_secret_key` has 14). Tokens interoperate with any JWT library given the same secret.
public struct MonibucaJWT: Sendable {
    /// v5 refreshes a token that has less than this left (`New-Token` header).
    public static let refreshThreshold: TimeInterval = 30 * 60
    /// Longest token accepted; real ones are ~200 bytes.
    static let maxTokenLength = 8192

    let key: [UInt8]
    public let lifetime: TimeInterval

    public init(secret: String, lifetime: TimeInterval) {
        self.key = Array(secret.utf8)
        self.lifetime = lifetime
    }

    /// A token for `username` valid from `now` (whole seconds, as Go's NumericDate) for ``lifetime``.
    public func issue(username: String, now: Date = Date()) throws -> (token: String, expiresAt: Date) {
        let issued = now.timeIntervalSince1970.rounded(.down)
        let expires = issued + lifetime.rounded(.down)
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let payload = try JSONSerialization.data(withJSONObject: [
            "sub": username, "iat": Int64(issued), "nbf": Int64(issued), "exp": Int64(expires),
        ], options: [.sortedKeys])
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode([UInt8](payload))
        let token = signingInput + "." + Base64URL.encode(signature(signingInput))
        return (token, Date(timeIntervalSince1970: expires))
    }

    /// Checks structure and algorithm first (so `alg: none` is named as such), then the signature, then the
    /// claims, then time.
    public func verify(_ token: String, now: Date = Date()) -> Result<MonibucaClaims, MonibucaTokenRefusal> {
        guard token.utf8.count <= Self.maxTokenLength else { return .failure(.malformed("too long")) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.malformed("expected three dot-separated parts")) }
        guard let header = Self.jsonObject(parts[0]) else { return .failure(.malformed("header is not base64url JSON")) }
        guard let alg = header["alg"] as? String else { return .failure(.malformed("header has no alg")) }
        guard alg == "HS256" else { return .failure(.algorithm(alg.isEmpty ? "\"\"" : String(alg.prefix(16)))) }
        guard let presented = Self.base64URLDecode(parts[2]) else {
            return .failure(.malformed("signature is not base64url"))
        }
        let signingInput = parts[0] + "." + parts[1]
        guard ConstantTime.equals(presented, signature(String(signingInput))) else { return .failure(.badSignature) }
        guard let payload = Self.jsonObject(parts[1]), let sub = payload["sub"] as? String,
              let iat = Self.numericDate(payload["iat"]), let nbf = Self.numericDate(payload["nbf"]),
              let exp = Self.numericDate(payload["exp"])
        else { return .failure(.malformed("claims sub, iat, nbf and exp are required")) }
        let claims = MonibucaClaims(sub: sub, iat: iat, nbf: nbf, exp: exp)
        if now >= claims.exp { return .failure(.expired) }
        if now < claims.nbf { return .failure(.notYetValid) }
        return .success(claims)
    }

    /// A fresh token when `claims` has less than ``refreshThreshold`` left, else nil.
    public func refreshed(_ claims: MonibucaClaims, now: Date = Date()) -> String? {
        guard claims.exp.timeIntervalSince(now) < Self.refreshThreshold else { return nil }
        return try? issue(username: claims.sub, now: now).token
    }

    func signature(_ signingInput: String) -> [UInt8] {
        HMAC.sha256(key: key, message: Array(signingInput.utf8))
    }

    /// RFC 7519 §2 NumericDate: a JSON number of seconds (integer or not).
    static func numericDate(_ value: Any?) -> Date? {
        guard let seconds = (value as? Double) ?? (value as? Int).map(Double.init) else { return nil }
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    static func jsonObject(_ part: Substring) -> [String: Any]? {
        guard let bytes = base64URLDecode(part) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// Unpadded base64url (RFC 7515 §2); padding and other alphabets are refused.
    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0)
                                     || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s) else { return nil }
        return [UInt8](data)
    }
}
