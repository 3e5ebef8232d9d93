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

/// Issues and checks the HS256 JWTs of `POST /api/login` (key `auth.secret`, lifetime `auth.expire`), through
/// ParleyCrypto's ``HS256JWT`` (any secret length: v5's default `m7s_secret_key` has 14 bytes; algorithm pinned).
public struct MonibucaJWT: Sendable {
    /// v5 refreshes a token that has less than this left (`New-Token` header).
    public static let refreshThreshold: TimeInterval = 30 * 60
    /// Longest token accepted; real ones are ~200 bytes.
    static let maxTokenLength = 8192

    let secret: String
    public let lifetime: TimeInterval

    public init(secret: String, lifetime: TimeInterval) {
        self.secret = secret
        self.lifetime = lifetime
    }

    /// A token for `username` valid from `now` (whole seconds, as Go's NumericDate) for ``lifetime``.
    public func issue(username: String, now: Date = Date()) throws -> (token: String, expiresAt: Date) {
        let issued = now.timeIntervalSince1970.rounded(.down)
        let expires = issued + lifetime.rounded(.down)
        let claims = try JSONSerialization.data(
            withJSONObject: [
                "sub": username, "iat": Int64(issued), "nbf": Int64(issued), "exp": Int64(expires),
            ], options: [.sortedKeys])
        let token = HS256JWT.sign(claimsJSON: String(decoding: claims, as: UTF8.self), secret: secret)
        return (token, Date(timeIntervalSince1970: expires))
    }

    /// Structure and algorithm first (so `alg: none` is named as such), then the signature, then the claims,
    /// then time.
    public func verify(_ token: String, now: Date = Date()) -> Result<MonibucaClaims, MonibucaTokenRefusal> {
        guard token.utf8.count <= Self.maxTokenLength else { return .failure(.malformed("too long")) }
        let claimsJSON: [UInt8]
        do {
            claimsJSON = try HS256JWT.verify(token, secret: secret)
        } catch {
            switch error {
            case .malformed(let why): return .failure(.malformed(why))
            case .unsupportedAlgorithm(let alg):
                return .failure(.algorithm(alg.isEmpty ? "\"\"" : String(alg.prefix(16))))
            case .badSignature: return .failure(.badSignature)
            }
        }
        guard let payload = (try? JSONSerialization.jsonObject(with: Data(claimsJSON))) as? [String: Any],
            let sub = payload["sub"] as? String, let iat = Self.numericDate(payload["iat"]),
            let nbf = Self.numericDate(payload["nbf"]), let exp = Self.numericDate(payload["exp"])
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

    /// RFC 7519 §2 NumericDate: a JSON number of seconds (integer or not).
    static func numericDate(_ value: Any?) -> Date? {
        guard let seconds = (value as? Double) ?? (value as? Int).map(Double.init) else { return nil }
        guard seconds.isFinite, abs(seconds) < 1e12 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
