import ParleyCrypto
import ParleyWire

/// The offer the runner's client sends (WHIP RFC 9725 §4.2, WHEP draft-ietf-wish-whep-02 §3): one bundled audio
/// section with Opus (RFC 7587), rtcp-mux (RFC 8858), its ICE credentials, the certificate fingerprint
/// (RFC 8122 §5), `a=setup:actpass` (RFC 8842 §5.3) and its one host candidate; no trickle.
public struct ClientOffer: Sendable {
    public var ice: ICEParameters
    public var fingerprint: CertificateFingerprint
    public var sending: Bool
    public var ssrc: UInt32
    public var candidate: STUNAddress
    /// A second, bundled VP8 section (RFC 7741) with this SSRC when sending; nil = audio only.
    public var videoSSRC: UInt32?
    public static let opusPayloadType: UInt8 = 111
    public static let vp8PayloadType: UInt8 = 96

    public init(
        ice: ICEParameters, fingerprint: CertificateFingerprint, sending: Bool, ssrc: UInt32, candidate: STUNAddress,
        videoSSRC: UInt32? = nil
    ) {
        self.ice = ice
        self.fingerprint = fingerprint
        self.sending = sending
        self.ssrc = ssrc
        self.candidate = candidate
        self.videoSSRC = videoSSRC
    }

    public var sdp: String {
        let family = candidate.ip.isIPv4 ? "IP4" : "IP6"
        let priority = ICECandidate.priority(typePreference: 126, localPreference: 65_535, component: 1)
        var lines = [
            "v=0", "o=- \(ssrc) 1 IN \(family) \(candidate.ip)", "s=-", "t=0 0",
            videoSSRC == nil ? "a=group:BUNDLE 0" : "a=group:BUNDLE 0 1",
            "a=msid-semantic: WMS conform",
            "m=audio 9 UDP/TLS/RTP/SAVPF \(Self.opusPayloadType)", "c=IN \(family) \(candidate.ip)",
            "a=mid:0", "a=ice-ufrag:\(ice.ufrag)", "a=ice-pwd:\(ice.pwd)",
            "a=fingerprint:\(fingerprint.sdpValue)", "a=setup:actpass",
            sending ? "a=sendonly" : "a=recvonly", "a=rtcp-mux", "a=rtcp-rsize",
            "a=rtpmap:\(Self.opusPayloadType) opus/48000/2",
            "a=fmtp:\(Self.opusPayloadType) minptime=10;useinbandfec=1",
        ]
        if sending {
            lines += ["a=msid:conform audio0", "a=ssrc:\(ssrc) cname:parley-conform"]
        }
        let candidateLines = [
            "a=candidate:1 1 udp \(priority) \(candidate.ip) \(candidate.port) typ host", "a=end-of-candidates",
        ]
        lines += candidateLines
        if let videoSSRC {
            let pt = Self.vp8PayloadType
            lines += [
                "m=video 9 UDP/TLS/RTP/SAVPF \(pt)", "c=IN \(family) \(candidate.ip)", "a=mid:1",
                "a=ice-ufrag:\(ice.ufrag)", "a=ice-pwd:\(ice.pwd)", "a=fingerprint:\(fingerprint.sdpValue)",
                "a=setup:actpass", sending ? "a=sendonly" : "a=recvonly", "a=rtcp-mux", "a=rtcp-rsize",
                "a=rtpmap:\(pt) VP8/90000", "a=rtcp-fb:\(pt) nack", "a=rtcp-fb:\(pt) nack pli",
            ]
            if sending { lines += ["a=msid:conform video0", "a=ssrc:\(videoSSRC) cname:parley-conform"] }
            lines += candidateLines
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// What the client needs from an answer, or why it cannot use it.
public struct ClientAnswer: Sendable {
    public var ice: ICEParameters
    public var fingerprints: [CertificateFingerprint]
    /// UDP host/srflx/relay addresses in priority order.
    public var candidates: [STUNAddress]
    public var opusPayloadType: UInt8
    /// The answer's VP8 payload type when it accepted a video section.
    public var vp8PayloadType: UInt8?

    public struct Unusable: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Reads the first audio section (RFC 8829 §5.10 answer rules): the answerer must be DTLS server
    /// (`a=setup:passive`, RFC 8842 §5.3) since this client only speaks DTLS as client.
    public init(sdp: String) throws(Unusable) {
        let description: SessionDescription
        do { description = try SessionDescription.parse(sdp) } catch {
            throw Unusable(reason: "the answer does not parse: \(error)")
        }
        guard let audio = description.media.first(where: { $0.kind == "audio" && $0.port != 0 }) else {
            throw Unusable(reason: "the answer accepts no audio section")
        }
        guard let credentials = description.iceCredentials(for: audio) else {
            throw Unusable(reason: "the answer has no a=ice-ufrag/a=ice-pwd")
        }
        let fingerprints = description.fingerprints(for: audio).compactMap { value in
            CertificateFingerprint.Algorithm(rawValue: value.hashFunction.lowercased()).map {
                CertificateFingerprint(algorithm: $0, bytes: value.bytes)
            }
        }
        guard !fingerprints.isEmpty else { throw Unusable(reason: "the answer has no a=fingerprint with a known hash") }
        if let setup = description.setup(for: audio), setup != .passive {
            throw Unusable(reason: "the answer says a=setup:\(setup.rawValue); the client needs passive")
        }
        guard let opus = audio.opusCodec else { throw Unusable(reason: "the answer has no opus/48000 codec") }
        let candidates = audio.candidates.filter { $0.transport.lowercased() == "udp" && $0.component == 1 }
            .sorted { $0.priority > $1.priority }
            .compactMap { candidate in IPAddress(candidate.address).map { STUNAddress(ip: $0, port: candidate.port) } }
        guard !candidates.isEmpty else { throw Unusable(reason: "the answer has no UDP candidate with an IP address") }
        ice = ICEParameters(ufrag: credentials.ufrag, pwd: credentials.pwd)
        self.fingerprints = fingerprints
        self.candidates = candidates
        opusPayloadType = opus.payloadType
        let video = description.media.first { $0.kind == "video" && $0.port != 0 }
        vp8PayloadType = video?.codecs.first { $0.rtpmap?.encodingName.uppercased() == "VP8" }?.payloadType
    }
}
