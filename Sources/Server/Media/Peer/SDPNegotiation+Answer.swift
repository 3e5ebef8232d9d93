import ParleyCrypto
import ParleyWire

extension SDPNegotiation {
    /// The answer (RFC 8829 §5.3, shaped by docs/interop.md §1): session-level a=ice-lite, BUNDLE of the kept
    /// sections, and in every section the transport attributes, a=setup:passive and a=rtcp-mux. Each accepted
    /// section answers its one codec with the offer's payload type (plus its RTX); other audio/video sections
    /// and the first section are kept inactive (Chrome fails when the BUNDLE tag section is rejected), the rest
    /// refused. `outbound` (WHEP) declares what is sent in each accepted section, aligned with `accepted.tracks`.
    public static func answer(
        offer: SessionDescription, accepted: AcceptedOffer, local: LocalTransport,
        outbound: [OutboundStream], sessionID: UInt64
    ) -> SessionDescription {
        var media: [MediaDescription] = []
        var kept = Set<String>()
        for (index, section) in offer.media.enumerated() {
            let mid = section.mid ?? String(index)
            if let position = accepted.tracks.firstIndex(where: { $0.sectionIndex == index }) {
                media.append(
                    trackSection(
                        offer: section, track: accepted.tracks[position], intent: accepted.intent, local: local,
                        outbound: position < outbound.count ? outbound[position] : nil))
                kept.insert(mid)
            } else if index == 0 || (MediaKind(rawValue: section.kind) != nil && section.port != 0) {
                media.append(inactiveSection(section, mid: mid, port: 9, transport: local))
                kept.insert(mid)
            } else {
                media.append(inactiveSection(section, mid: mid, port: 0, transport: nil))
            }
        }
        var attributes: [SDPAttribute] = [.iceLite]
        let bundle = offer.bundleGroup.filter { kept.contains($0) }
        if !bundle.isEmpty { attributes.append(.group(semantics: "BUNDLE", identificationTags: bundle)) }
        attributes.append(.msidSemantic(semantics: "WMS", identifiers: ["*"]))
        return SessionDescription(
            origin: SDPOrigin(sessionID: String(sessionID), sessionVersion: 2), sessionName: "-",
            timing: (0, 0), attributes: attributes, media: media)
    }

    static func transportAttributes(_ local: LocalTransport) -> [SDPAttribute] {
        [
            .iceUfrag(local.credentials.ufrag), .icePwd(local.credentials.pwd),
            .fingerprint(
                SDPFingerprint(hashFunction: local.fingerprint.algorithm.rawValue, bytes: local.fingerprint.bytes)),
            .setup(.passive),
        ]
    }

    static func trackSection(
        offer section: MediaDescription, track: AcceptedTrack, intent: MediaIntent, local: LocalTransport,
        outbound: OutboundStream?
    ) -> MediaDescription {
        let codec = track.codec
        let pt = codec.payloadType
        var attributes: [SDPAttribute] = [.mid(track.mid)]
        attributes += transportAttributes(local)
        attributes.append(.direction(intent == .publish ? .recvonly : .sendonly))
        attributes.append(.rtcpMux)
        if section.rtcpReducedSize { attributes.append(.rtcpRsize) }
        attributes.append(
            .rtpmap(
                SDPRTPMap(
                    payloadType: pt, encodingName: codec.family.encodingName, clockRate: codec.clockRate,
                    channels: codec.family == .opus ? 2 : nil)))
        switch codec.family {
        case .opus:
            // RFC 7587 §7: what we want to receive; harmless for a sendonly answer.
            attributes.append(.fmtp(payloadType: pt, parameters: "minptime=10;useinbandfec=1"))
        case .h264, .vp8:
            // H264: the offer's own profile-level-id and packetization-mode (RFC 6184 §8.2.2: the answer keeps
            // the offered profile; Chrome matches answer codecs against its offer).
            if let parameters = codec.parameters, !parameters.isEmpty {
                attributes.append(.fmtp(payloadType: pt, parameters: parameters))
            }
        }
        attributes += codec.feedback.map { .rtcpFeedback($0) }
        var formats = [String(pt)]
        if let rtx = codec.rtxPayloadType {
            formats.append(String(rtx))
            attributes.append(.rtpmap(SDPRTPMap(payloadType: rtx, encodingName: "rtx", clockRate: codec.clockRate)))
            attributes.append(.fmtp(payloadType: rtx, parameters: "apt=\(pt)"))
        }
        if let outbound {
            attributes.append(.msid(stream: outbound.streamID, track: outbound.trackID))
            if let rtx = outbound.rtxSSRC, codec.rtxPayloadType != nil {
                attributes.append(.ssrcGroup(semantics: "FID", ssrcs: [outbound.ssrc, rtx]))
            }
            var ssrcs = [outbound.ssrc]
            if let rtx = outbound.rtxSSRC, codec.rtxPayloadType != nil { ssrcs.append(rtx) }
            for ssrc in ssrcs {
                attributes.append(.ssrc(ssrc: ssrc, attribute: "cname", value: outbound.cname))
                attributes.append(
                    .ssrc(ssrc: ssrc, attribute: "msid", value: "\(outbound.streamID) \(outbound.trackID)"))
            }
        }
        attributes += candidateAttributes(local)
        return MediaDescription(
            kind: track.kind.rawValue, port: 9, proto: section.proto, formats: formats,
            connection: SDPConnection(addressType: "IP4", address: "0.0.0.0"),
            attributes: attributes)
    }

    static func candidateAttributes(_ local: LocalTransport) -> [SDPAttribute] {
        var attributes: [SDPAttribute] = []
        for (index, address) in local.candidates.enumerated() {
            // RFC 8445 §5.1.2.1: host type preference 126, local preference 65535 minus the index.
            let priority = ICECandidate.priority(
                typePreference: 126, localPreference: UInt32(65_535 - index),
                component: 1)
            attributes.append(
                .candidate(
                    ICECandidate(
                        foundation: String(index + 1), priority: priority,
                        address: "\(address.ip)", port: address.port)))
        }
        attributes.append(.endOfCandidates)
        return attributes
    }

    /// A refused or inactive section: still a=mid, a=rtcp-mux, a=setup and one rtpmap (aiortc validates them).
    static func inactiveSection(
        _ section: MediaDescription, mid: String, port: UInt16,
        transport: LocalTransport?
    ) -> MediaDescription {
        var attributes: [SDPAttribute] = [.mid(mid)]
        attributes += transport.map(transportAttributes) ?? [.setup(.passive)]
        attributes += [.direction(.inactive), .rtcpMux]
        let firstFormat = section.formats.first ?? "0"
        if let pt = UInt8(firstFormat), let map = section.rtpmaps.first(where: { $0.payloadType == pt }) {
            attributes.append(.rtpmap(map))
        }
        // The BUNDLE tag section may be an inactive one: Pion and aiortc read the candidates from it.
        if let transport { attributes += candidateAttributes(transport) }
        return MediaDescription(
            kind: section.kind, port: port, proto: section.proto, formats: [firstFormat],
            connection: SDPConnection(addressType: "IP4", address: "0.0.0.0"),
            attributes: attributes)
    }
}
