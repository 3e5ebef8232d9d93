/// One `a=` line. WebRTC attributes (RFC 8829/JSEP, RFC 8839/8842/8843/8858/8285/8851/8853, RFC 4585, RFC 5576)
/// are typed; anything else is kept as `.other` in place so a parsed description serializes back in order.
public enum SDPAttribute: Hashable, Sendable {
    /// RFC 5888 §5 / RFC 8843: `a=group:BUNDLE 0 1`.
    case group(semantics: String, identificationTags: [String])
    /// RFC 8839 §5.3.
    case iceLite
    /// `a=msid-semantic: WMS *` (pre-RFC 8830 Chrome/aiortc usage).
    case msidSemantic(semantics: String, identifiers: [String])
    case iceUfrag(String)
    case icePwd(String)
    case iceOptions([String])
    case fingerprint(SDPFingerprint)
    case setup(SDPSetupRole)
    case mid(String)
    case direction(SDPDirection)
    case rtcpMux
    /// RFC 8858.
    case rtcpMuxOnly
    /// RFC 5506 reduced-size RTCP.
    case rtcpRsize
    case candidate(ICECandidate)
    /// RFC 8840 §8.2.
    case endOfCandidates
    case rtpmap(SDPRTPMap)
    /// RFC 8866 §6.15: parameters kept as written (see `SDPAttribute.fmtpParameters`).
    case fmtp(payloadType: UInt8, parameters: String)
    case rtcpFeedback(SDPRTCPFeedback)
    case extmap(SDPExtmap)
    /// RFC 8285 §6 mixed one-/two-byte header extensions.
    case extmapAllowMixed
    /// RFC 8830 §2: `a=msid:<stream id> [<track id>]`.
    case msid(stream: String, track: String?)
    /// RFC 5576 §4.1: `a=ssrc:<ssrc> <attribute>[:<value>]`.
    case ssrc(ssrc: UInt32, attribute: String, value: String?)
    /// RFC 5576 §4.2: `a=ssrc-group:<semantics> <ssrc>...`.
    case ssrcGroup(semantics: String, ssrcs: [UInt32])
    case rid(SDPRid)
    /// Kept verbatim (serialized as read); `SDPSimulcast(parsing:)` reads it.
    case simulcast(String)
    case other(name: String, value: String?)

    /// Parses `name[:value]` (the text after `a=`).
    static func parse(_ text: Substring) throws(SDPFieldError) -> SDPAttribute {
        let name: Substring, value: Substring?
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            value = text[text.index(after: colon)...]
        } else {
            name = text
            value = nil
        }
        func required() throws(SDPFieldError) -> Substring {
            guard let value, !value.trimmingSpaces.isEmpty else { throw SDPFieldError("a=\(name) needs a value") }
            return value.trimmingSpaces
        }
        switch name {
        case "group":
            let parts = try required().tokens
            return .group(semantics: String(parts[0]), identificationTags: parts.dropFirst().map(String.init))
        case "ice-lite": return .iceLite
        case "msid-semantic":
            let parts = try required().tokens
            return .msidSemantic(semantics: String(parts[0]), identifiers: parts.dropFirst().map(String.init))
        case "ice-ufrag": return .iceUfrag(String(try required()))
        case "ice-pwd": return .icePwd(String(try required()))
        case "ice-options": return .iceOptions(try required().tokens.map(String.init))
        case "fingerprint": return .fingerprint(try SDPFingerprint(parsing: try required()))
        case "setup":
            let raw = try required()
            guard let role = SDPSetupRole(rawValue: String(raw)) else {
                throw SDPFieldError("setup \"\(raw)\" is not active/passive/actpass/holdconn")
            }
            return .setup(role)
        case "mid": return .mid(String(try required()))
        case "sendrecv", "sendonly", "recvonly", "inactive":
            guard value == nil else { throw SDPFieldError("a=\(name) takes no value") }
            return .direction(SDPDirection(rawValue: String(name)) ?? .sendrecv)
        case "rtcp-mux": return .rtcpMux
        case "rtcp-mux-only": return .rtcpMuxOnly
        case "rtcp-rsize": return .rtcpRsize
        case "candidate": return .candidate(try ICECandidate(value: try required()))
        case "end-of-candidates": return .endOfCandidates
        case "rtpmap": return .rtpmap(try SDPRTPMap(parsing: try required()))
        case "fmtp":
            let raw = try required()
            let space = raw.firstIndex(of: " ") ?? raw.endIndex
            let payloadType = try parseInteger(raw[..<space], "fmtp payload type", as: UInt8.self)
            guard payloadType < 128 else { throw SDPFieldError("fmtp payload type above 127") }
            return .fmtp(payloadType: payloadType, parameters: String(raw[space...].trimmingSpaces))
        case "rtcp-fb": return .rtcpFeedback(try SDPRTCPFeedback(parsing: try required()))
        case "extmap": return .extmap(try SDPExtmap(parsing: try required()))
        case "extmap-allow-mixed": return .extmapAllowMixed
        case "msid":
            let parts = try required().tokens
            guard parts.count <= 2 else { throw SDPFieldError("msid has more than two identifiers") }
            return .msid(stream: String(parts[0]), track: parts.count == 2 ? String(parts[1]) : nil)
        case "ssrc":
            let raw = try required()
            let space = raw.firstIndex(of: " ") ?? raw.endIndex
            let ssrc = try parseInteger(raw[..<space], "ssrc", as: UInt32.self)
            let attribute = raw[space...].trimmingSpaces
            guard !attribute.isEmpty else { throw SDPFieldError("ssrc needs \"<ssrc> <attribute>[:<value>]\"") }
            if let colon = attribute.firstIndex(of: ":") {
                return .ssrc(
                    ssrc: ssrc, attribute: String(attribute[..<colon]),
                    value: String(attribute[attribute.index(after: colon)...]))
            }
            return .ssrc(ssrc: ssrc, attribute: String(attribute), value: nil)
        case "ssrc-group":
            let parts = try required().tokens
            var ssrcs = [UInt32]()
            for part in parts.dropFirst() { ssrcs.append(try parseInteger(part, "ssrc-group ssrc", as: UInt32.self)) }
            return .ssrcGroup(semantics: String(parts[0]), ssrcs: ssrcs)
        case "rid": return .rid(try SDPRid(parsing: try required()))
        case "simulcast":
            let raw = try required()
            _ = try SDPSimulcast(parsing: raw)
            return .simulcast(String(raw))
        default:
            guard !name.isEmpty else { throw SDPFieldError("attribute has no name") }
            return .other(name: String(name), value: value.map(String.init))
        }
    }

    /// The text after `a=`.
    public var sdpText: String {
        switch self {
        case .group(let semantics, let tags): (["group:" + semantics] + tags).joined(separator: " ")
        case .iceLite: "ice-lite"
        case .msidSemantic(let semantics, let identifiers):
            (["msid-semantic: " + semantics] + identifiers).joined(separator: " ")
        case .iceUfrag(let value): "ice-ufrag:" + value
        case .icePwd(let value): "ice-pwd:" + value
        case .iceOptions(let options): "ice-options:" + options.joined(separator: " ")
        case .fingerprint(let fingerprint): "fingerprint:" + fingerprint.sdpValue
        case .setup(let role): "setup:" + role.rawValue
        case .mid(let mid): "mid:" + mid
        case .direction(let direction): direction.rawValue
        case .rtcpMux: "rtcp-mux"
        case .rtcpMuxOnly: "rtcp-mux-only"
        case .rtcpRsize: "rtcp-rsize"
        case .candidate(let candidate): "candidate:" + candidate.sdpValue
        case .endOfCandidates: "end-of-candidates"
        case .rtpmap(let map): "rtpmap:" + map.sdpValue
        case .fmtp(let payloadType, let parameters):
            "fmtp:\(payloadType)" + (parameters.isEmpty ? "" : " " + parameters)
        case .rtcpFeedback(let feedback): "rtcp-fb:" + feedback.sdpValue
        case .extmap(let extmap): "extmap:" + extmap.sdpValue
        case .extmapAllowMixed: "extmap-allow-mixed"
        case .msid(let stream, let track): "msid:" + stream + (track.map { " " + $0 } ?? "")
        case .ssrc(let ssrc, let attribute, let value): "ssrc:\(ssrc) " + attribute + (value.map { ":" + $0 } ?? "")
        case .ssrcGroup(let semantics, let ssrcs):
            (["ssrc-group:" + semantics] + ssrcs.map(String.init)).joined(separator: " ")
        case .rid(let rid): "rid:" + rid.sdpValue
        case .simulcast(let value): "simulcast:" + value
        case .other(let name, let value): name + (value.map { ":" + $0 } ?? "")
        }
    }

    /// `key=value;key2=value2` fmtp parameters (RFC 8866 §6.15 leaves the format to the codec; this is the common
    /// form). Keys without "=" map to nil.
    public static func fmtpParameters(_ text: String) -> [(key: String, value: String?)] {
        text.split(separator: ";").compactMap { item in
            let entry = Substring(item).trimmingSpaces
            guard !entry.isEmpty else { return nil }
            if let equals = entry.firstIndex(of: "=") {
                return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
            }
            return (String(entry), nil)
        }
    }
}
