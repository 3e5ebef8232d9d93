/// Oversized but well-formed WHIP/WHEP offers, for the cost and limit tests of the SDP parser and negotiation.
public enum SDPStress {
    /// One audio section whose m= line lists `payloadTypes` formats (cycling through 112–127, each with an
    /// `a=rtpmap`), followed by `wildcardFeedback` `a=rtcp-fb:* nack` lines; Opus (111) comes last, so a search
    /// for it walks everything. With 2,000 and 500 this is the "SDP bomb" of issue 13.
    public static func offer(payloadTypes: Int, wildcardFeedback: Int, direction: String = "sendonly") -> String {
        let formats = (0..<payloadTypes).map { String(112 + $0 % 16) }
        var lines = [
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF " + (formats + ["111"]).joined(separator: " "),
            "c=IN IP4 0.0.0.0", "a=mid:0", "a=\(direction)", "a=rtcp-mux",
            "a=ice-ufrag:bomb", "a=ice-pwd:bombbombbombbombbombbomb",
            "a=fingerprint:sha-256 " + Array(repeating: "AB", count: 32).joined(separator: ":"),
            "a=setup:actpass",
        ]
        lines.reserveCapacity(lines.count + payloadTypes + wildcardFeedback + 1)
        for format in formats { lines.append("a=rtpmap:\(format) L16/8000") }
        for _ in 0..<wildcardFeedback { lines.append("a=rtcp-fb:* nack") }
        lines.append("a=rtpmap:111 opus/48000/2")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
