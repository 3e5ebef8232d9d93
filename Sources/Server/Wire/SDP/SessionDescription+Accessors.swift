/// A payload type with everything the section says about it (rtpmap, fmtp, rtcp-fb incl. "*" entries).
public struct SDPCodec: Hashable, Sendable {
    public var payloadType: UInt8
    public var rtpmap: SDPRTPMap?
    public var fmtp: String?
    public var feedback: [SDPRTCPFeedback]
}

/// Typed reads over an ordered attribute list, shared by sessions, media sections and trickle fragments.
public protocol SDPAttributeContainer {
    var attributes: [SDPAttribute] { get }
}

extension SDPAttributeContainer {
    public var iceUfrag: String? {
        attributes.lazy.compactMap { if case .iceUfrag(let v) = $0 { v } else { nil } }.first
    }
    public var icePwd: String? { attributes.lazy.compactMap { if case .icePwd(let v) = $0 { v } else { nil } }.first }
    public var iceOptions: [String] {
        var options = [String]()
        for case .iceOptions(let list) in attributes { options += list }
        return options
    }
    public var fingerprints: [SDPFingerprint] {
        attributes.compactMap { if case .fingerprint(let v) = $0 { v } else { nil } }
    }
    public var setup: SDPSetupRole? {
        attributes.lazy.compactMap { if case .setup(let v) = $0 { v } else { nil } }.first
    }
    public var candidates: [ICECandidate] {
        attributes.compactMap { if case .candidate(let v) = $0 { v } else { nil } }
    }
    public var hasEndOfCandidates: Bool { attributes.contains(.endOfCandidates) }
    public var extmaps: [SDPExtmap] { attributes.compactMap { if case .extmap(let v) = $0 { v } else { nil } } }
    public var extmapAllowMixed: Bool { attributes.contains(.extmapAllowMixed) }
    public var direction: SDPDirection? {
        attributes.lazy.compactMap { if case .direction(let v) = $0 { v } else { nil } }.first
    }

    /// The attributes named `name` that this model does not type, in order.
    public func otherAttributes(named name: String) -> [String?] {
        attributes.compactMap { attribute in
            if case .other(let n, let value) = attribute, n == name { return .some(value) }
            return nil
        }
    }
}

extension SessionDescription: SDPAttributeContainer {
    /// RFC 8839 §5.3: only meaningful at session level.
    public var isICELite: Bool { attributes.contains(.iceLite) }

    /// Identification tags of the first `a=group:BUNDLE` (RFC 8843 §7.2), empty when none.
    public var bundleGroup: [String] {
        for case .group(let semantics, let tags) in attributes where semantics == "BUNDLE" { return tags }
        return []
    }

    public var msidSemantic: (semantics: String, identifiers: [String])? {
        for case .msidSemantic(let semantics, let identifiers) in attributes { return (semantics, identifiers) }
        return nil
    }

    /// Media section credentials fall back to session-level ones (RFC 8839 §5.4, Pion puts fingerprint there).
    public func iceCredentials(for media: MediaDescription) -> (ufrag: String, pwd: String)? {
        guard let ufrag = media.iceUfrag ?? iceUfrag, let pwd = media.icePwd ?? icePwd else { return nil }
        return (ufrag, pwd)
    }

    public func fingerprints(for media: MediaDescription) -> [SDPFingerprint] {
        media.fingerprints.isEmpty ? fingerprints : media.fingerprints
    }

    public func setup(for media: MediaDescription) -> SDPSetupRole? { media.setup ?? setup }
}

extension MediaDescription: SDPAttributeContainer {
    public var mid: String? { attributes.lazy.compactMap { if case .mid(let v) = $0 { v } else { nil } }.first }
    public var rtcpMux: Bool { attributes.contains(.rtcpMux) }
    public var rtcpMuxOnly: Bool { attributes.contains(.rtcpMuxOnly) }
    public var rtcpReducedSize: Bool { attributes.contains(.rtcpRsize) }
    /// RFC 8866 §6.7: sendrecv when no direction attribute is present.
    public var effectiveDirection: SDPDirection { direction ?? .sendrecv }

    /// Formats that are RTP payload type numbers, each once (so at most 128), in m= order.
    public var payloadTypes: [UInt8] {
        var seen = Set<UInt8>()
        return formats.compactMap { UInt8($0) }.filter { $0 < 128 && seen.insert($0).inserted }
    }

    public var rtpmaps: [SDPRTPMap] { attributes.compactMap { if case .rtpmap(let v) = $0 { v } else { nil } } }

    public func fmtp(for payloadType: UInt8) -> String? {
        for case .fmtp(let pt, let parameters) in attributes where pt == payloadType { return parameters }
        return nil
    }

    /// Every payload type of the m= line, in m= order, with its rtpmap, fmtp and rtcp-fb (incl. "*" ones, each
    /// in attribute order). One pass over the attributes: the cost is the attributes plus the result, never
    /// payload types × attributes.
    public var codecs: [SDPCodec] {
        var maps: [UInt8: SDPRTPMap] = [:]
        var parameters: [UInt8: String] = [:]
        var specific: [UInt8: [(order: Int, feedback: SDPRTCPFeedback)]] = [:]
        var wildcard: [(order: Int, feedback: SDPRTCPFeedback)] = []
        for (order, attribute) in attributes.enumerated() {
            switch attribute {
            case .rtpmap(let map) where maps[map.payloadType] == nil: maps[map.payloadType] = map
            case .fmtp(let pt, let text) where parameters[pt] == nil: parameters[pt] = text
            case .rtcpFeedback(let feedback):
                if let pt = feedback.payloadType {
                    specific[pt, default: []].append((order, feedback))
                } else {
                    wildcard.append((order, feedback))
                }
            default: break
            }
        }
        return payloadTypes.map { pt in
            SDPCodec(
                payloadType: pt, rtpmap: maps[pt], fmtp: parameters[pt],
                feedback: Self.merged(wildcard, specific[pt] ?? []))
        }
    }

    /// The first opus/48000 codec in m= order (RFC 7587 §7), found without building every codec.
    public var opusCodec: (payloadType: UInt8, rtpmap: SDPRTPMap)? {
        var maps: [UInt8: SDPRTPMap] = [:]
        for case .rtpmap(let map) in attributes where maps[map.payloadType] == nil { maps[map.payloadType] = map }
        for pt in payloadTypes {
            if let map = maps[pt], map.encodingName.lowercased() == "opus", map.clockRate == 48_000 { return (pt, map) }
        }
        return nil
    }

    /// Two attribute-ordered lists as one, in attribute order.
    static func merged(
        _ left: [(order: Int, feedback: SDPRTCPFeedback)],
        _ right: [(order: Int, feedback: SDPRTCPFeedback)]
    ) -> [SDPRTCPFeedback] {
        var result: [SDPRTCPFeedback] = []
        result.reserveCapacity(left.count + right.count)
        var l = 0, r = 0
        while l < left.count || r < right.count {
            if r == right.count || (l < left.count && left[l].order < right[r].order) {
                result.append(left[l].feedback)
                l += 1
            } else {
                result.append(right[r].feedback)
                r += 1
            }
        }
        return result
    }

    public var msid: (stream: String, track: String?)? {
        for case .msid(let stream, let track) in attributes { return (stream, track) }
        return nil
    }

    /// SSRCs in first-mention order with their attributes (cname, msid, ...).
    public var ssrcs: [(ssrc: UInt32, attributes: [(name: String, value: String?)])] {
        var result = [(ssrc: UInt32, attributes: [(name: String, value: String?)])]()
        for case .ssrc(let ssrc, let name, let value) in attributes {
            if let index = result.firstIndex(where: { $0.ssrc == ssrc }) {
                result[index].attributes.append((name, value))
            } else {
                result.append((ssrc, [(name, value)]))
            }
        }
        return result
    }

    public var ssrcGroups: [(semantics: String, ssrcs: [UInt32])] {
        attributes.compactMap { if case .ssrcGroup(let s, let list) = $0 { (s, list) } else { nil } }
    }

    public var rids: [SDPRid] { attributes.compactMap { if case .rid(let v) = $0 { v } else { nil } } }

    /// Parsed `a=simulcast` (validated when the description was parsed).
    public var simulcast: SDPSimulcast? {
        for case .simulcast(let value) in attributes { return try? SDPSimulcast(parsing: Substring(value)) }
        return nil
    }
}
