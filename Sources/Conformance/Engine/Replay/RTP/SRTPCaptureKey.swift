import Foundation

/// A master key for SRTP-protected captures, as SDES carries it (RFC 4568 §6.1 `inline:` key||salt, base64):
/// `[PROFILE:]BASE64` with PROFILE `AES_CM_128_HMAC_SHA1_80` (default; 16-byte key + 14-byte salt, RFC 3711 §8.2)
/// or `AEAD_AES_128_GCM` (16 + 12, RFC 7714 §14.2). Never printed.
public struct SRTPCaptureKey: Sendable, Hashable {
    /// libsrtp / RFC 5764 §4.1.2 profile number.
    public var profileID: UInt16
    public var keyAndSalt: [UInt8]

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    static let profiles: [String: (id: UInt16, length: Int)] = [
        "AES_CM_128_HMAC_SHA1_80": (1, 30), "AEAD_AES_128_GCM": (7, 28),
    ]

    public init(argument: String) throws(Invalid) {
        var text = argument
        var profile = "AES_CM_128_HMAC_SHA1_80"
        if let colon = text.firstIndex(of: ":"), Self.profiles[String(text[..<colon])] != nil {
            profile = String(text[..<colon])
            text = String(text[text.index(after: colon)...])
        }
        if text.hasPrefix("inline:") { text = String(text.dropFirst(7)) }
        // RFC 4568 §6.1: "inline:KEY|lifetime|MKI" — only the key is used.
        text = String(text.prefix { $0 != "|" })
        guard let known = Self.profiles[profile], let bytes = Data(base64Encoded: text).map(Array.init) else {
            throw Invalid(description: "--srtp-key: not [PROFILE:]BASE64 (the key itself is not shown)")
        }
        guard bytes.count == known.length else {
            throw Invalid(
                description: "--srtp-key: \(profile) needs \(known.length) bytes of key and salt, got \(bytes.count)")
        }
        profileID = known.id
        keyAndSalt = bytes
    }

    /// An SRTP session that can unprotect with this key (the runner's session type; both directions keyed alike).
    func session() throws -> SRTPClientSession {
        try SRTPClientSession(
            keys: ExportedSRTPKeys(profileID: profileID, localKeyAndSalt: keyAndSalt, remoteKeyAndSalt: keyAndSalt))
    }
}

extension RTPStreamDiscovery.Result {
    /// Decrypts every stream whose first packet authenticates under one of `keys` (RFC 3711 §3.3: unprotect checks
    /// the tag and the replay window); packets that then fail are left out and counted. Plain streams stay as they
    /// are; an encrypted stream no key opens keeps its "cannot" reason.
    mutating func decrypt(with keys: [SRTPCaptureKey]) {
        guard !keys.isEmpty else { return }
        for index in streams.indices {
            guard let first = streams[index].packets.first else { continue }
            var opened: (session: SRTPClientSession, number: Int)?
            for (number, key) in keys.enumerated() {
                // Probe on a throwaway session, then decrypt on a fresh one whose replay window has not seen it.
                guard let probe = try? key.session(), (try? probe.unprotectRTP(first.bytes)) != nil,
                    let fresh = try? key.session()
                else { continue }
                opened = (fresh, number + 1)
                break
            }
            let label = "stream \(streams[index].index) (SSRC \(ReplayStream.hex(streams[index].ssrc)))"
            guard let (session, number) = opened else {
                if streams[index].unreplayableReason?.hasPrefix("cannot: encrypted") == true {
                    streams[index].unreplayableReason =
                        "cannot: encrypted, and none of the \(keys.count) keys authenticates it"
                    notes.append("\(label): no --srtp-key authenticates its first packet")
                }
                continue
            }
            var plain: [CapturedRTPPacket] = []
            var failed = 0
            for packet in streams[index].packets {
                guard let bytes = try? session.unprotectRTP(packet.bytes) else {
                    failed += 1
                    continue
                }
                var decrypted = packet
                decrypted.bytes = bytes
                plain.append(decrypted)
            }
            streams[index].packets = plain
            streams[index].unreplayableReason = nil
            notes.append(
                "\(label): decrypted with --srtp-key #\(number), \(plain.count) packets"
                    + (failed > 0 ? ", \(failed) failed authentication or replay check and were left out" : ""))
        }
    }
}
