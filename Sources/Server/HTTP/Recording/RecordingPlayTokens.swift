import Foundation
import ParleyCrypto
import ParleyTime

/// The credential in a recording's `play` URL: a `<video>` element cannot send `Authorization`, so the URL carries
/// `play_token=<expires>.<HMAC-SHA256 (RFC 2104) under auth.secret of the recording id and expiry>`, good for that
/// one recording's download until it expires.
struct RecordingPlayTokens: Sendable {
    static let context = Array("parley recording play v1\n".utf8)
    /// Long enough to watch a long meeting from one `play` answer.
    static let lifetime: TimeInterval = 6 * 3600

    let key: [UInt8]
    let clock: any ServerClock

    init(secret: String, clock: any ServerClock) {
        key = Array(secret.utf8)
        self.clock = clock
    }

    func issue(for id: String) -> String {
        let expires = Int64((clock.now.timeIntervalSince1970 + Self.lifetime).rounded(.down))
        return "\(expires).\(Base64URL.encode(signature(id, expires)))"
    }

    /// True when `token` was issued for `id` and has not expired. Never traps on bad input.
    func verify(_ token: String, id: String) -> Bool {
        guard token.utf8.count <= 128 else { return false }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let expires = Int64(parts[0]), let presented = Base64URL.decode(parts[1]),
            ConstantTime.equals(presented, signature(id, expires))
        else { return false }
        return clock.now.timeIntervalSince1970 < TimeInterval(expires)
    }

    func signature(_ id: String, _ expires: Int64) -> [UInt8] {
        HMAC.sha256(key: key, message: Self.context + Array("\(id)\n\(expires)".utf8))
    }
}
