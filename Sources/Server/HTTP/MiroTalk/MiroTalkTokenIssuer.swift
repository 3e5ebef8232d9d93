import ParleyJSON
import Foundation
import ParleyConfig
import ParleyCrypto
import ParleyTime

/// Why `/api/v1/token` could not make a token: jsonwebtoken's `sign` throws for these, and MiroTalk answers with
/// its generic 500.
public enum MiroTalkTokenIssueError: Error, Equatable, Sendable {
    /// `expire` is neither an integer number of seconds nor an `ms` string.
    case invalidExpiresIn
}

/// MiroTalk's `ServerApi.getToken`: `jwt.sign({data: CryptoJS.AES.encrypt(JSON.stringify({username, password,
/// presenter}), JWT_KEY)}, JWT_KEY, {expiresIn})`. The JWT is written by hand so its bytes match jsonwebtoken's:
/// header `{"alg":"HS256","typ":"JWT"}`, claims in the order `data`, `iat`, `exp` (RFC 7519 §7.1, RFC 7515 §5.1).
public struct MiroTalkTokenIssuer: Sendable {
    public let secret: String
    /// `jwt.expire`: used when the request's `expire` is missing or falsy.
    public let defaultLifetime: MsDuration
    let clock: any ServerClock

    public init(secret: String, defaultLifetime: MsDuration, clock: any ServerClock = SystemClock()) {
        self.secret = secret
        self.defaultLifetime = defaultLifetime
        self.clock = clock
    }

    /// `getToken(token)`: "" when `request` is undefined or falsy; otherwise a JWT. Members are read only from an
    /// object (a truthy string, number or array yields the defaults, as JavaScript destructuring does); a default
    /// applies only to a missing member (`null` becomes "null").
    public func token(for request: JSONValue?) throws(MiroTalkTokenIssueError) -> String {
        guard let request, request.isTruthy else { return "" }
        let username = request["username"]?.jsString ?? "username"
        let password = request["password"]?.jsString ?? "password"
        let presenter = request["presenter"]?.jsString ?? "false"
        let issuedAt = (clock.now.timeIntervalSince1970).rounded(.down)
        let expiresAt = try expiry(request["expire"], issuedAt: issuedAt)
        let inner = JSONValue.object([
            ("username", .string(username)), ("password", .string(password)), ("presenter", .string(presenter)),
        ])
        let data = PassphraseCipher.encrypt(inner.serialized, passphrase: secret)
        let claims = JSONValue.object([
            ("data", .string(data)), ("iat", .number(issuedAt)), ("exp", .number(expiresAt)),
        ])
        return Self.signHS256(claims: claims, secret: secret)
    }

    /// jsonwebtoken `timespan`: an integer is seconds added to `iat`; a string goes through `ms` and is floored;
    /// anything else (or an `ms` string `ms` refuses, or a non-integer number) is an error.
    func expiry(_ expire: JSONValue?, issuedAt: Double) throws(MiroTalkTokenIssueError) -> Double {
        guard let expire, expire.isTruthy else {
            switch defaultLifetime.spelling {
            case .seconds(let seconds): return issuedAt + seconds.rounded(.down)
            case .text: return (issuedAt + defaultLifetime.seconds).rounded(.down)
            }
        }
        switch expire {
        case .number(let seconds) where seconds == seconds.rounded() && seconds.isFinite:
            return issuedAt + seconds
        case .string(let text):
            guard let seconds = MsDuration.seconds(in: text) else { throw .invalidExpiresIn }
            return (issuedAt + seconds).rounded(.down)
        default:
            throw .invalidExpiresIn
        }
    }

    /// Compact JWS with HS256 (RFC 7515 §3.1, RFC 7518 §3.2) over jsonwebtoken's header.
    public static func signHS256(claims: JSONValue, secret: String) -> String {
        HS256JWT.sign(claimsJSON: claims.serialized, secret: secret)
    }
}
