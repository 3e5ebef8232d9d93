import Foundation
import JWTKit

/// Claims of a Monibuca admin token, as v5 writes them (`jwt.RegisteredClaims`: sub, iat, nbf, exp).
public struct MonibucaClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var exp: ExpirationClaim

    /// Time claims are checked by ``MonibucaJWT/verify(_:now:)`` against its clock, so each refusal gets its own
    /// message; nothing to check here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
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

/// Issues and checks the HS256 tokens of `POST /api/login` (key `auth.secret`, lifetime `auth.expire`).
public struct MonibucaJWT: Sendable {
    /// v5 refreshes a token that has less than this left (`New-Token` header).
    public static let refreshThreshold: TimeInterval = 30 * 60

    /// Adding a key to jwt-kit's collection is async (an actor); starting it in a task keeps `init` synchronous,
    /// so routers can be built without awaiting.
    private let loadedKeys: Task<JWTKeyCollection, Never>
    public let lifetime: TimeInterval

    public init(secret: String, lifetime: TimeInterval) {
        self.loadedKeys = Task {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            return keys
        }
        self.lifetime = lifetime
    }

    var keys: JWTKeyCollection { get async { await loadedKeys.value } }

    /// A token for `username` valid from `now` (whole seconds, as Go's NumericDate) for ``lifetime``.
    public func issue(username: String, now: Date = Date()) async throws -> (token: String, expiresAt: Date) {
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expires = issued.addingTimeInterval(lifetime.rounded(.down))
        let claims = MonibucaClaims(sub: SubjectClaim(value: username), iat: IssuedAtClaim(value: issued),
                                    nbf: NotBeforeClaim(value: issued), exp: ExpirationClaim(value: expires))
        return (try await keys.sign(claims), expires)
    }

    /// Checks structure and algorithm first (so `alg: none` is named as such), then the signature, then time.
    public func verify(_ token: String, now: Date = Date()) async -> Result<MonibucaClaims, MonibucaTokenRefusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(.malformed("expected three dot-separated parts")) }
        guard let headerBytes = Self.base64URLDecode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any]
        else { return .failure(.malformed("header is not base64url JSON")) }
        guard let alg = header["alg"] as? String else { return .failure(.malformed("header has no alg")) }
        guard alg == "HS256" else { return .failure(.algorithm(alg)) }
        let claims: MonibucaClaims
        do {
            claims = try await keys.verify(token, as: MonibucaClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            return .failure(.badSignature)
        } catch {
            return .failure(.malformed("claims sub, iat, nbf and exp are required"))
        }
        if now >= claims.exp.value { return .failure(.expired) }
        if now < claims.nbf.value { return .failure(.notYetValid) }
        return .success(claims)
    }

    /// A fresh token when `claims` has less than ``refreshThreshold`` left, else nil.
    public func refreshed(_ claims: MonibucaClaims, now: Date = Date()) async -> String? {
        guard claims.exp.value.timeIntervalSince(now) < Self.refreshThreshold else { return nil }
        return try? await issue(username: claims.sub.value, now: now).token
    }

    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 8192 else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s) else { return nil }
        return [UInt8](data)
    }
}
