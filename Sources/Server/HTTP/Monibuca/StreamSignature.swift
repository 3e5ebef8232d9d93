import Foundation
import ParleyConfig
import ParleyCrypto

/// Monibuca's stream-URL signatures (`?secret=&expire=` on publish and play; docs/contracts.md §Stream signatures):
/// `secret = md5hex(key + streamPath + expire)`, plain concatenation, `expire` = hex Unix seconds used verbatim.
public enum StreamSignature {
    public enum Direction: String, Sendable, CaseIterable {
        case publish, subscribe
    }

    /// Why a signature was refused. The messages keep v5's `auth failed ...` wording.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case expired
        case wrongLength
        case mismatch

        public var description: String {
            switch self {
            case .missing: "auth failed secret and expire are required"
            case .expired: "auth failed expired"
            case .wrongLength: "auth failed secret length must be 32"
            case .mismatch: "auth failed invalid secret"
            }
        }
    }

    /// Lower-case 32-hex `md5(key + streamPath + expire)`.
    public static func secret(key: String, streamPath: String, expire: String) -> String {
        Digest.hex(.md5, Array((key + streamPath + expire).utf8))
    }

    /// `expire` as hex Unix seconds: 1 to 15 hex digits (always fits an Int64), nothing else.
    public static func parseExpire(_ text: String) -> Int64? {
        guard (1...15).contains(text.utf8.count), text.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        return Int64(text, radix: 16)
    }

    /// Lower-case hex of `date` in whole Unix seconds.
    public static func expire(at date: Date) -> String {
        String(Int64(date.timeIntervalSince1970.rounded(.down)), radix: 16)
    }

    /// v5's order: an unparsable or past `expire` is "expired"; then the length; then the value (hex case-insensitive,
    /// compared in constant time).
    public static func check(
        secret: String?, expire: String?, key: String, streamPath: String,
        now: Date = Date()
    ) throws(Refusal) {
        guard let secret, let expire, !secret.isEmpty, !expire.isEmpty else { throw .missing }
        guard let deadline = parseExpire(expire), Double(deadline) >= now.timeIntervalSince1970.rounded(.down)
        else { throw .expired }
        guard secret.utf8.count == 32 else { throw .wrongLength }
        let expected = Self.secret(key: key, streamPath: streamPath, expire: expire)
        guard ConstantTime.equals(secret.lowercased(), expected) else { throw .mismatch }
    }

    /// What publish (WHIP) and play (WHEP) call: nothing to check when `stream_auth.enabled` is false or no key is
    /// configured for `plugin`'s direction (falling back to `global`); otherwise
    /// ``check(secret:expire:key:streamPath:now:)``.
    public static func verify(
        _ settings: ParleyConfig.StreamAuth, plugin: String = "webrtc", direction: Direction,
        streamPath: String, secret: String?, expire: String?,
        now: Date = Date()
    ) throws(Refusal) {
        guard settings.enabled, let key = key(settings, plugin: plugin, direction: direction) else { return }
        try check(secret: secret, expire: expire, key: key, streamPath: streamPath, now: now)
    }

    /// The configured key for `plugin` (else `global`) and `direction`; nil or empty = not configured.
    public static func key(_ settings: ParleyConfig.StreamAuth, plugin: String, direction: Direction) -> String? {
        let keys = settings.keys(for: plugin)
        let key = direction == .publish ? keys.publish : keys.subscribe
        guard let key, !key.isEmpty else { return nil }
        return key
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
