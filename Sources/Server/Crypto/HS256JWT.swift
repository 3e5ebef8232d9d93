import Foundation

/// Compact JWS with HMAC-SHA256 (RFC 7515 §7.1, RFC 7518 §3.2), the only algorithm Parley signs or accepts.
///
/// Parley needs HS256 with whatever secret the operator configured: MiroTalk's default `jwt.secret` is 22 bytes, and
/// a library that refuses keys shorter than the hash would break compatibility. The algorithm is pinned, never taken
/// from the token (RFC 8725 §3.1): `none`, HS384/HS512 and asymmetric algorithms are refused. Claim checks (`exp`,
/// `nbf`) belong to the caller, which owns the clock.
public enum HS256JWT {
    public enum Failure: Error, Equatable, Sendable {
        /// Not three base64url parts, or a header that is not a JSON object with a string `alg`.
        case malformed(String)
        case unsupportedAlgorithm(String)
        case badSignature
    }

    public static let header = #"{"alg":"HS256","typ":"JWT"}"#

    /// Signs `claimsJSON` (already serialized, so callers control key order) with `secret`.
    public static func sign(claimsJSON: String, secret: String) -> String {
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claimsJSON.utf8))
        let mac = HMAC.sha256(key: Array(secret.utf8), message: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(mac)
    }

    /// Checks structure, algorithm and signature; returns the decoded claims JSON bytes.
    public static func verify(_ token: String, secret: String) throws(Failure) -> [UInt8] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a JWT has three dot-separated parts") }
        guard let headerBytes = Base64URL.decode(parts[0]) else { throw .malformed("header is not base64url") }
        guard let alg = algorithm(in: headerBytes) else { throw .malformed("header is not JSON with an alg") }
        guard alg == "HS256" else { throw .unsupportedAlgorithm(alg) }
        guard let claims = Base64URL.decode(parts[1]) else { throw .malformed("claims are not base64url") }
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("signature is not base64url") }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let expected = HMAC.sha256(key: Array(secret.utf8), message: signingInput)
        guard ConstantTime.equals(signature, expected) else { throw .badSignature }
        return claims
    }

    /// The `alg` member of a JOSE header (RFC 7515 §4.1.1).
    static func algorithm(in header: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else { return nil }
        return object["alg"] as? String
    }
}
