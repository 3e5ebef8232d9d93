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

/// One m= section the server takes part in: at most one audio and one video section per offer.
public struct AcceptedTrack: Sendable, Hashable {
    /// Index of the m= section in the offer.
    public var sectionIndex: Int
    public var mid: String
    public var kind: MediaKind
    /// WHIP: the one codec answered (the offerer's first supported one). WHEP before matching: every supported
    /// codec offered, in the offerer's order; after ``SDPNegotiation/match(_:publishing:)``: the one to send.
    public var codecs: [NegotiatedCodec]
    /// What a WHIP publisher declares it sends (RFC 5576): the media SSRC, then the RTX SSRC of an
    /// `a=ssrc-group:FID`; empty when the section declares none.
    public var declaredSSRCs: [UInt32]

    public init(
        sectionIndex: Int, mid: String, kind: MediaKind, codecs: [NegotiatedCodec], declaredSSRCs: [UInt32] = []
    ) {
        self.sectionIndex = sectionIndex
        self.mid = mid
        self.kind = kind
        self.codecs = codecs
        self.declaredSSRCs = declaredSSRCs
    }

    /// The codec answered and forwarded (the first one).
    public var codec: NegotiatedCodec { codecs[0] }
}

/// The sections of an offer this server serves, as offered.
public struct AcceptedOffer: Sendable, Hashable {
    public var intent: MediaIntent
    /// In offer order; never empty.
    public var tracks: [AcceptedTrack]
    public var remoteCredentials: ICECredentials
    public var remoteFingerprints: [CertificateFingerprint]

    /// The accepted section of `kind`, if any.
    public func track(_ kind: MediaKind) -> AcceptedTrack? { tracks.first { $0.kind == kind } }

    /// The offer's Opus payload type, when audio was accepted.
    public var opusPayloadType: UInt8? { track(.audio)?.codec.payloadType }

    /// The codec names answered, video first (the registry's `codecs`, /api/streams).
    public var codecNames: [String] {
        tracks.sorted { $0.kind == .video && $1.kind == .audio }.map { $0.codec.family.encodingName }
    }
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

/// What a WHEP answer declares about one track the server sends (RFC 5576 a=ssrc, RFC 8830 a=msid). Audio and
/// video of one player share `streamID` and `cname` (one lip-sync group).
public struct OutboundStream: Sendable, Hashable {
    public var ssrc: UInt32
    public var cname: String
    public var streamID: String
    public var trackID: String
    /// RFC 4588 §8.7 retransmission SSRC, declared with `a=ssrc-group:FID` when the player offered RTX.
    public var rtxSSRC: UInt32?

    public init(ssrc: UInt32, cname: String, streamID: String, trackID: String, rtxSSRC: UInt32? = nil) {
        self.ssrc = ssrc
        self.cname = cname
        self.streamID = streamID
        self.trackID = trackID
        self.rtxSSRC = rtxSSRC
    }
}

public enum SDPNegotiation {
    /// Checks an offer against what this server serves: the first audio section with Opus and the first video
    /// section with VP8 or H264 (packetization-mode 1), each in the right direction with rtcp-mux, plus ICE
    /// credentials, a fingerprint we can check and a setup role that lets us be passive. Other sections are
    /// answered inactive or rejected; the offer is refused (with the first section's reason) when no section is
    /// usable. Linear in the offer's size.
    public static func accept(offer: SessionDescription, intent: MediaIntent) throws(NegotiationRefusal)
        -> AcceptedOffer
    {
        var tracks: [AcceptedTrack] = []
        var firstRefusal: NegotiationRefusal?
        for (index, section) in offer.media.enumerated() where section.port != 0 {
            guard let kind = MediaKind(rawValue: section.kind), !tracks.contains(where: { $0.kind == kind }) else {
                continue
            }
            do {
                tracks.append(try acceptSection(section, index: index, kind: kind, intent: intent))
            } catch {
                if firstRefusal == nil { firstRefusal = error }
            }
        }
        guard let first = tracks.first else {
            throw firstRefusal ?? NegotiationRefusal("the offer has no audio section and no video section")
        }
        let section = offer.media[first.sectionIndex]
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
            intent: intent, tracks: tracks,
            remoteCredentials: ICECredentials(ufrag: credentials.ufrag, pwd: credentials.pwd),
            remoteFingerprints: fingerprints)
    }

    static func acceptSection(_ section: MediaDescription, index: Int, kind: MediaKind, intent: MediaIntent)
        throws(NegotiationRefusal) -> AcceptedTrack
    {
        let name = kind.rawValue
        guard section.proto.uppercased().contains("SAVPF") || section.proto.uppercased().contains("SAVP") else {
            throw NegotiationRefusal("\(name) section proto \(section.proto) is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)")
        }
        // WHIP answers one codec; WHEP keeps the candidates for matching against the publisher.
        let codecs = supportedCodecs(in: section, limit: intent == .publish ? 1 : maxCandidateCodecs)
        guard !codecs.isEmpty else {
            switch kind {
            case .audio: throw NegotiationRefusal("the audio section offers no opus/48000 codec")
            case .video:
                throw NegotiationRefusal("the video section offers neither VP8 nor H264 with packetization-mode=1")
            }
        }
        let direction = section.effectiveDirection
        switch intent {
        case .publish where direction != .sendonly && direction != .sendrecv:
            throw NegotiationRefusal(
                "a WHIP offer must send \(name) (a=sendonly or a=sendrecv), not a=\(direction.rawValue)")
        case .play where direction != .recvonly && direction != .sendrecv:
            throw NegotiationRefusal(
                "a WHEP offer must receive \(name) (a=recvonly or a=sendrecv), not a=\(direction.rawValue)")
        default: break
        }
        // RFC 8829 §5.2.1 / RFC 8858: WebRTC multiplexes RTCP; this server has no separate RTCP port.
        guard section.rtcpMux || section.rtcpMuxOnly else {
            throw NegotiationRefusal("the \(name) section lacks a=rtcp-mux")
        }
        // RFC 5576 §4.2 / RFC 4588 §8.7: with `a=ssrc-group:FID <media> <rtx>` the media SSRC is the first one,
        // whatever order the a=ssrc lines come in.
        var declared: [UInt32] = []
        for case .ssrcGroup(let semantics, let ssrcs) in section.attributes where semantics == "FID" && ssrcs.count == 2
        {
            declared = ssrcs
            break
        }
        for case .ssrc(let ssrc, _, _) in section.attributes where declared.isEmpty {
            declared.append(ssrc)
        }
        return AcceptedTrack(
            sectionIndex: index, mid: section.mid ?? String(index), kind: kind, codecs: codecs,
            declaredSSRCs: declared)
    }
}
