import ParleyJSON
import Foundation
import ParleyCrypto
import ParleyTime

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
    let clock: any ServerClock

    public init(secret: String, clock: any ServerClock = SystemClock()) {
        self.secret = secret
        self.clock = clock
    }

    public func verify(_ token: String) async throws(MiroTalkTokenError) -> MiroTalkTokenClaims {
        // RFC 7515 §4.1.1 / RFC 8725 §3.1: the algorithm is pinned, never taken from the token.
        let claimBytes: [UInt8]
        do {
            claimBytes = try HS256JWT.verify(token, secret: secret)
        } catch {
            switch error {
            case .malformed: throw .malformed
            case .unsupportedAlgorithm(let alg): throw .unsupportedAlgorithm(alg)
            case .badSignature: throw .badSignature
            }
        }
        guard let object = try? JSONValue.parse(String(decoding: claimBytes, as: UTF8.self)), case .object = object,
            case .string(let data)? = object["data"], case .number(let exp)? = object["exp"]
        else { throw .malformed }
        func number(_ key: String) -> Double? {
            if case .number(let value)? = object[key] { value } else { nil }
        }
        let claims = (data: data, iat: number("iat"), exp: exp, nbf: number("nbf"))

        // RFC 7519 §4.1.4 / §4.1.5, as jsonwebtoken compares (whole seconds, no leeway).
        let nowSeconds = clock.now.timeIntervalSince1970.rounded(.down)
        guard nowSeconds < claims.exp else { throw .expired }
        if let notBefore = claims.nbf, nowSeconds < notBefore { throw .notYetValid }

        guard let plaintext = PassphraseCipher.decrypt(claims.data, passphrase: secret) else {
            throw .undecryptableData
        }
        guard let payload = try? JSONValue.parse(plaintext), case .object = payload,
            let username = payload["username"], let password = payload["password"]
        else { throw .invalidPayload }
        let presenter = payload["presenter"]?.jsString
        return MiroTalkTokenClaims(
            username: username.jsString, password: password.jsString,
            presenter: presenter == "true" || presenter == "1",
            issuedAt: claims.iat.map { Date(timeIntervalSince1970: $0) },
            expiresAt: Date(timeIntervalSince1970: claims.exp))
    }
}
