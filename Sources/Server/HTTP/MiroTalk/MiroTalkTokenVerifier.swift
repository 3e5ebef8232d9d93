import Foundation
import JWTKit
import ParleyCrypto

/// What a verified MiroTalk token (from `/api/v1/token`, or MiroTalk itself with the same secret) says.
public struct MiroTalkTokenClaims: Sendable, Equatable {
    public var username: String
    public var password: String
    /// MiroTalk `decodeToken` consumers: presenter when the decrypted value is "true" or "1".
    public var presenter: Bool
    public var issuedAt: Date?
    public var expiresAt: Date
}

/// Why a presented MiroTalk token was refused.
public enum MiroTalkTokenError: Error, Equatable, Sendable {
    /// Not three base64url parts, or a header/claims part that is not the expected JSON.
    case malformed
    /// The header's `alg` is not HS256 (`none`, HS384/HS512 and every asymmetric algorithm are refused).
    case unsupportedAlgorithm(String)
    case badSignature
    case expired
    /// `nbf` lies in the future.
    case notYetValid
    /// `data` is not AES passphrase ciphertext under `jwt.secret`.
    case undecryptableData
    /// The decrypted `data` is not `{"username","password","presenter"}` JSON.
    case invalidPayload
}

/// Verifies MiroTalk tokens wherever they are presented (join page, room WebSocket): an HS256 JWT under
/// `jwt.secret` (RFC 7519 §7.2), not expired, whose `data` claim decrypts (CryptoJS/OpenSSL passphrase AES) to the
/// credentials. Stricter than jsonwebtoken's defaults, which would also take HS384/HS512 for a string secret.
public struct MiroTalkTokenVerifier: Sendable {
    public let secret: String
    let now: @Sendable () -> Date

    public init(secret: String, now: @escaping @Sendable () -> Date = Date.init) {
        self.secret = secret
        self.now = now
    }

    /// The claims jwt-kit decodes once the signature holds; times are checked here against the injected clock.
    struct Claims: JWTPayload {
        var data: String
        var iat: Double?
        var exp: Double
        var nbf: Double?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    public func verify(_ token: String) async throws(MiroTalkTokenError) -> MiroTalkTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URLDecode(parts[0]) else { throw .malformed }
        // RFC 7515 §4.1.1 / RFC 8725 §3.1: the algorithm is pinned, never taken from the token.
        guard let header = try? JSValue.parse(String(decoding: headerBytes, as: UTF8.self)),
              case .string(let algorithm)? = header["alg"] else { throw .malformed }
        guard algorithm == "HS256" else { throw .unsupportedAlgorithm(algorithm) }

        let claims: Claims
        do {
            let keys = await JWTKeyCollection().add(hmac: HMACKey(from: Self.hmacKey(secret)), digestAlgorithm: .sha256)
            claims = try await keys.verify(token, as: Claims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }

        // RFC 7519 §4.1.4 / §4.1.5, as jsonwebtoken compares (whole seconds, no leeway).
        let nowSeconds = now().timeIntervalSince1970.rounded(.down)
        guard nowSeconds < claims.exp else { throw .expired }
        if let notBefore = claims.nbf, nowSeconds < notBefore { throw .notYetValid }

        guard let plaintext = PassphraseCipher.decrypt(claims.data, passphrase: secret) else {
            throw .undecryptableData
        }
        guard let payload = try? JSValue.parse(plaintext), case .object = payload,
              let username = payload["username"], let password = payload["password"] else { throw .invalidPayload }
        let presenter = payload["presenter"]?.jsString
        return MiroTalkTokenClaims(
            username: username.jsString, password: password.jsString, presenter: presenter == "true" || presenter == "1",
            issuedAt: claims.iat.map { Date(timeIntervalSince1970: $0) },
            expiresAt: Date(timeIntervalSince1970: claims.exp))
    }

    /// The secret as an HMAC key jwt-kit accepts. jwt-kit asserts (a trap in debug builds) on keys shorter than the
    /// 32-byte SHA-256 output, but MiroTalk secrets are often shorter ("mirotalksfu_jwt_secret" is 22 bytes).
    /// RFC 2104 §2 pads a short key with zeros to the 64-byte block anyway, so zero-padding it to 32 bytes first
    /// yields exactly the same MAC.
    static func hmacKey(_ secret: String) -> [UInt8] {
        let bytes = Array(secret.utf8)
        guard bytes.count < 32 else { return bytes }
        return bytes + [UInt8](repeating: 0, count: 32 - bytes.count)
    }

    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return [UInt8](base64Encoded: base64)
    }
}
