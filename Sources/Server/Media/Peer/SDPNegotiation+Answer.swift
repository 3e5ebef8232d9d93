import ParleyCrypto
import ParleyWire

extension SDPNegotiation {
    /// The answer (RFC 8829 §5.3, shaped by docs/interop.md §1): session-level a=ice-lite, BUNDLE of the kept
    /// sections, and in every section the transport attributes, a=setup:passive and a=rtcp-mux. The audio
    /// section keeps the offer's Opus payload type; other sections are refused (the first one is kept inactive
    /// instead, since Chrome fails when the BUNDLE tag section is rejected).
    public static func answer(
        offer: SessionDescription, accepted: AcceptedOffer, local: LocalTransport,
        outbound: OutboundStream?, sessionID: UInt64
    ) -> SessionDescription {
        var media: [MediaDescription] = []
        var bundle: [String] = []
        for (index, section) in offer.media.enumerated() {
            let mid = section.mid ?? String(index)
            if index == accepted.sectionIndex {
                media.append(audioSection(offer: section, accepted: accepted, local: local, outbound: outbound))
                bundle.append(mid)
            } else if index == 0 {
                media.append(inactiveSection(section, mid: mid, port: 9, transport: local))
                bundle.append(mid)
            } else {
                media.append(inactiveSection(section, mid: mid, port: 0, transport: nil))
            }
        }
        var attributes: [SDPAttribute] = [.iceLite]
        if !bundle.isEmpty, !offer.bundleGroup.isEmpty {
            attributes.append(.group(semantics: "BUNDLE", identificationTags: bundle))
        }
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

    static func audioSection(
        offer section: MediaDescription, accepted: AcceptedOffer, local: LocalTransport,
        outbound: OutboundStream?
    ) -> MediaDescription {
        let pt = accepted.opusPayloadType
        var attributes: [SDPAttribute] = [.mid(accepted.mid)]
        attributes += transportAttributes(local)
        attributes.append(.direction(accepted.intent == .publish ? .recvonly : .sendonly))
        attributes.append(.rtcpMux)
        if section.rtcpReducedSize { attributes.append(.rtcpRsize) }
        attributes.append(.rtpmap(SDPRTPMap(payloadType: pt, encodingName: "opus", clockRate: 48_000, channels: 2)))
        // RFC 7587 §7: what we want to receive; harmless for a sendonly answer.
        attributes.append(.fmtp(payloadType: pt, parameters: "minptime=10;useinbandfec=1"))
        if let outbound {
            attributes.append(.msid(stream: outbound.streamID, track: outbound.trackID))
            attributes.append(.ssrc(ssrc: outbound.ssrc, attribute: "cname", value: outbound.cname))
            attributes.append(
                .ssrc(
                    ssrc: outbound.ssrc, attribute: "msid",
                    value: "\(outbound.streamID) \(outbound.trackID)"))
        }
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
        return MediaDescription(
            kind: "audio", port: 9, proto: section.proto, formats: [String(pt)],
            connection: SDPConnection(addressType: "IP4", address: "0.0.0.0"),
            attributes: attributes)
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
        return MediaDescription(
            kind: section.kind, port: port, proto: section.proto, formats: [firstFormat],
            connection: SDPConnection(addressType: "IP4", address: "0.0.0.0"),
            attributes: attributes)
    }
}
