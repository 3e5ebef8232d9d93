import ParleyWire

/// STUN and SDP samples with seeded contents: the same bytes on every run for a given seed.
public enum SignallingSamples {
    /// An RFC 8445 §7.2.2 connectivity check: USERNAME `remote:local`, PRIORITY, ICE-CONTROLLING, optional
    /// USE-CANDIDATE, MESSAGE-INTEGRITY keyed with `password` (RFC 8489 §9.2) and FINGERPRINT.
    public static func bindingRequest(
        localUfrag: String, remoteUfrag: String, password: String, useCandidate: Bool = true, seed: UInt64 = 3
    ) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        guard let transaction = STUNTransactionID(random.bytes(12)) else { return [] }
        var attributes: [STUNAttribute] = [
            .username("\(remoteUfrag):\(localUfrag)"),
            .priority(ICECandidate.priority(typePreference: 126, localPreference: 65_535, component: 1)),
            .iceControlling(tieBreaker: random.next()),
        ]
        if useCandidate { attributes.append(.useCandidate) }
        return STUNMessage(type: .bindingRequest, transactionID: transaction, attributes: attributes)
            .encode(integrityKey: STUNIntegrity.shortTermKey(password: password), fingerprint: true)
    }

    /// ICE credentials of RFC 8839 §5.4 lengths (ufrag 8, pwd 24 characters of ice-char) from `seed`.
    public static func credentials(seed: UInt64) -> (ufrag: String, pwd: String) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
        var random = SeededGenerator(seed: seed)
        let text = { (count: Int) in String((0..<count).map { _ in alphabet[random.int(below: alphabet.count)] }) }
        return (text(8), text(24))
    }

    /// A WHIP (`sendonly`) or WHEP (`recvonly`) offer in the shape browsers send: BUNDLE, rtcp-mux, Opus on 111
    /// and, with `video`, VP8 on 96 with RTX on 97 and the usual feedback; `extmap` lines as Chrome numbers them.
    public static func offer(
        direction: String = "sendonly", video: Bool = true, fingerprint: String, seed: UInt64 = 5,
        candidate: STUNAddress? = nil
    ) -> String {
        let (ufrag, pwd) = credentials(seed: seed)
        let mids = video ? "0 1" : "0"
        var lines = [
            "v=0", "o=- \(4_000_000_000 + seed % 1_000_000) 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE \(mids)", "a=extmap-allow-mixed", "a=msid-semantic: WMS fixture",
        ]
        func transport(mid: String) -> [String] {
            var out = [
                "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(pwd)",
                "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass", "a=mid:\(mid)", "a=\(direction)",
                "a=rtcp-mux",
            ]
            if let candidate {
                out.append("a=candidate:1 1 udp 2122260223 \(candidate.ip) \(candidate.port) typ host")
            }
            return out
        }
        lines +=
            ["m=audio 9 UDP/TLS/RTP/SAVPF 111"] + transport(mid: "0") + [
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
            ]
        if direction == "sendonly" { lines += ["a=ssrc:\(1000 + seed) cname:fixture"] }
        if video {
            lines +=
                ["m=video 9 UDP/TLS/RTP/SAVPF 96 97"] + transport(mid: "1") + [
                    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                    "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc",
                    "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                    "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                ]
            if direction == "sendonly" {
                lines += [
                    "a=ssrc-group:FID \(2000 + seed) \(3000 + seed)", "a=ssrc:\(2000 + seed) cname:fixture",
                    "a=ssrc:\(3000 + seed) cname:fixture",
                ]
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
