import ParleyCrypto
import ParleyWire

/// What a WHIP/WHEP offer asks of the server.
public enum MediaIntent: Sendable, Hashable {
    /// WHIP (RFC 9725): the client sends, the server receives (`a=recvonly` in the answer).
    case publish
    /// WHEP (draft-ietf-wish-whep-02): the server sends (`a=sendonly`).
    case play
}

/// Why an offer parsed but cannot be served (HTTP 422 with this reason).
public struct NegotiationRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The one audio section this issue serves, as offered.
public struct AcceptedOffer: Sendable, Hashable {
    public var intent: MediaIntent
    /// Index of the accepted m= section in the offer.
    public var sectionIndex: Int
    public var mid: String
    /// The offer's Opus payload type: answered and sent with the client's own number (docs/interop.md §1).
    public var opusPayloadType: UInt8
    public var opusChannels: Int
    public var remoteCredentials: ICECredentials
    public var remoteFingerprints: [CertificateFingerprint]
}

/// The server's transport as advertised in the answer.
public struct LocalTransport: Sendable, Hashable {
    public var credentials: ICECredentials
    public var fingerprint: CertificateFingerprint
    /// Host candidates: IPv4/IPv6 literals and the one UDP port.
    public var candidates: [STUNAddress]

    public init(credentials: ICECredentials, fingerprint: CertificateFingerprint, candidates: [STUNAddress]) {
        self.credentials = credentials
        self.fingerprint = fingerprint
        self.candidates = candidates
    }
}

/// What a WHEP answer declares about the stream the server sends (RFC 5576 a=ssrc, RFC 8830 a=msid).
public struct OutboundStream: Sendable, Hashable {
    public var ssrc: UInt32
    public var cname: String
    public var streamID: String
    public var trackID: String

    public init(ssrc: UInt32, cname: String, streamID: String, trackID: String) {
        self.ssrc = ssrc
        self.cname = cname
        self.streamID = streamID
        self.trackID = trackID
    }
}

public enum SDPNegotiation {
    /// Checks an offer against what this server serves: one audio section with Opus, the right direction,
    /// rtcp-mux, ICE credentials, a fingerprint we can check and a setup role that lets us be passive.
    public static func accept(offer: SessionDescription, intent: MediaIntent) throws(NegotiationRefusal)
        -> AcceptedOffer
    {
        guard let index = offer.media.firstIndex(where: { $0.kind == "audio" && $0.port != 0 }) else {
            throw NegotiationRefusal("the offer has no audio section")
        }
        let section = offer.media[index]
        guard section.proto.uppercased().contains("SAVPF") || section.proto.uppercased().contains("SAVP") else {
            throw NegotiationRefusal("audio section proto \(section.proto) is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)")
        }
        // Linear in the section: the codec list (payload types × rtcp-fb) is never built here.
        guard let opus = section.opusCodec else {
            throw NegotiationRefusal("the audio section offers no opus/48000 codec")
        }
        let direction = section.effectiveDirection
        switch intent {
        case .publish where direction != .sendonly && direction != .sendrecv:
            throw NegotiationRefusal(
                "a WHIP offer must send audio (a=sendonly or a=sendrecv), not a=\(direction.rawValue)")
        case .play where direction != .recvonly && direction != .sendrecv:
            throw NegotiationRefusal(
                "a WHEP offer must receive audio (a=recvonly or a=sendrecv), not a=\(direction.rawValue)")
        default: break
        }
        // RFC 8829 §5.2.1 / RFC 8858: WebRTC multiplexes RTCP; this server has no separate RTCP port.
        guard section.rtcpMux || section.rtcpMuxOnly else {
            throw NegotiationRefusal("the audio section lacks a=rtcp-mux")
        }
        guard let credentials = offer.iceCredentials(for: section) else {
            throw NegotiationRefusal("the offer has no a=ice-ufrag/a=ice-pwd")
        }
        let fingerprints = offer.fingerprints(for: section).compactMap {
            CertificateFingerprint(sdp: "\($0.hashFunction) \($0.hexValue)")
        }
        guard !fingerprints.isEmpty else {
            throw NegotiationRefusal("the offer has no a=fingerprint with a supported hash")
        }
        // RFC 5763 §5: we answer passive, so the offerer must be able to be active.
        if let setup = offer.setup(for: section), setup != .actpass, setup != .active {
            throw NegotiationRefusal("a=setup:\(setup.rawValue) leaves no DTLS client; offer actpass or active")
        }
        return AcceptedOffer(
            intent: intent, sectionIndex: index, mid: section.mid ?? String(index),
            opusPayloadType: opus.payloadType, opusChannels: opus.rtpmap.channels ?? 2,
            remoteCredentials: ICECredentials(ufrag: credentials.ufrag, pwd: credentials.pwd),
            remoteFingerprints: fingerprints)
    }
}
