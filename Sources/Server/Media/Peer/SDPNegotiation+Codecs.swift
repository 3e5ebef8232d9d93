import ParleyWire

/// The kind of an m= section this server forwards.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case audio, video
}

/// The codecs forwarded untouched: Opus (RFC 7587), VP8 (RFC 7741), H264 packetization-mode 1 (RFC 6184).
public enum CodecFamily: String, Sendable, Hashable {
    case opus, vp8, h264

    /// The encoding name as written in a=rtpmap.
    public var encodingName: String {
        switch self {
        case .opus: "opus"
        case .vp8: "VP8"
        case .h264: "H264"
        }
    }

    public var kind: MediaKind { self == .opus ? .audio : .video }
}

/// RFC 6184 §8.1 `profile-level-id`: profile_idc, profile-iop (constraint flags) and level_idc, 3 bytes in hex.
public struct H264ProfileLevelID: Sendable, Hashable, CustomStringConvertible {
    public var profileIDC: UInt8
    public var profileIOP: UInt8
    public var levelIDC: UInt8

    public init(profileIDC: UInt8, profileIOP: UInt8, levelIDC: UInt8) {
        self.profileIDC = profileIDC
        self.profileIOP = profileIOP
        self.levelIDC = levelIDC
    }

    /// Six hex digits; nil otherwise.
    public init?(hex: String) {
        guard hex.utf8.count == 6, let value = UInt32(hex, radix: 16) else { return nil }
        self.init(
            profileIDC: UInt8(value >> 16), profileIOP: UInt8(truncatingIfNeeded: value >> 8),
            levelIDC: UInt8(truncatingIfNeeded: value))
    }

    /// Chrome and aiortc read a missing profile-level-id as 42e01f (docs/interop.md §1), not RFC 6184's 42000a.
    public static let assumedWhenAbsent = H264ProfileLevelID(profileIDC: 0x42, profileIOP: 0xE0, levelIDC: 0x1F)

    /// RFC 6184 §8.1 / RFC 8829 §5.2.2 rule as Chrome applies it: the profile (profile_idc and the constraint
    /// flags) must be equal; the level may differ (level-asymmetry-allowed, and a decoder of one level decodes
    /// lower ones).
    public func sameProfile(as other: H264ProfileLevelID) -> Bool {
        profileIDC == other.profileIDC && profileIOP == other.profileIOP
    }

    /// The profile part alone, e.g. "42e0".
    public var profileHex: String { Self.hex(profileIDC) + Self.hex(profileIOP) }

    public var description: String { profileHex + Self.hex(levelIDC) }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// One codec of an m= section as this server answers and forwards it.
public struct NegotiatedCodec: Sendable, Hashable {
    public var family: CodecFamily
    /// The offerer's payload type number: answered and sent with it (docs/interop.md §1).
    public var payloadType: UInt8
    public var clockRate: UInt32
    public var channels: Int?
    /// The offer's fmtp for this payload type, as written.
    public var parameters: String?
    /// H264 only: the offered profile-level-id (or the assumed default).
    public var h264Profile: H264ProfileLevelID?
    /// The offer's RFC 4588 retransmission payload type whose `apt=` names this codec.
    public var rtxPayloadType: UInt8?
    /// The RFC 4585 feedback of the offer that the answer keeps (nack, nack pli, ccm fir, goog-remb).
    public var feedback: [SDPRTCPFeedback]

    public init(
        family: CodecFamily, payloadType: UInt8, clockRate: UInt32, channels: Int? = nil, parameters: String? = nil,
        h264Profile: H264ProfileLevelID? = nil, rtxPayloadType: UInt8? = nil, feedback: [SDPRTCPFeedback] = []
    ) {
        self.family = family
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
        self.h264Profile = h264Profile
        self.rtxPayloadType = rtxPayloadType
        self.feedback = feedback
    }

    /// True when a stream encoded as `source` can be forwarded to a receiver that negotiated this codec: same
    /// family and, for H264, the same profile (RFC 6184 §8.1; the level may differ).
    public func canReceive(_ source: NegotiatedCodec) -> Bool {
        guard family == source.family else { return false }
        guard family == .h264 else { return true }
        let mine = h264Profile ?? .assumedWhenAbsent
        return mine.sameProfile(as: source.h264Profile ?? .assumedWhenAbsent)
    }

    /// For reasons and /api/streams: "opus", "VP8", "H264 profile 42e01f".
    public var summary: String {
        guard family == .h264 else { return family.encodingName }
        return "H264 profile \(h264Profile ?? .assumedWhenAbsent)"
    }

    /// True when the offer asked for this feedback (`type` plus optional parameter, e.g. "nack" "pli").
    public func hasFeedback(_ type: String, _ parameter: String? = nil) -> Bool {
        feedback.contains { $0.type == type && $0.parameter == parameter }
    }
}

extension SDPNegotiation {
    /// The feedback a video answer keeps when offered: NACK (RFC 4585 §4.2), PLI (§6.3.1), FIR (RFC 5104 §7.1)
    /// and REMB. transport-cc is left out: this server sends no transport-wide feedback.
    static let keptVideoFeedback: [(type: String, parameter: String?)] = [
        ("goog-remb", nil), ("ccm", "fir"), ("nack", nil), ("nack", "pli"),
    ]

    /// At most this many codecs per section are remembered for matching a WHEP offer against its publisher.
    static let maxCandidateCodecs = 16

    /// Every codec of `section` this server forwards, in m= order (the offerer's preference), at most `limit`.
    /// One pass over the attributes and one over the m= line: linear in the section whatever its size
    /// (issue 13: never payload types × rtcp-fb lines).
    static func supportedCodecs(in section: MediaDescription, limit: Int) -> [NegotiatedCodec] {
        var maps: [UInt8: SDPRTPMap] = [:]
        var parameters: [UInt8: String] = [:]
        var specific: [UInt8: [SDPRTCPFeedback]] = [:]
        var wildcard: [SDPRTCPFeedback] = []
        for attribute in section.attributes {
            switch attribute {
            case .rtpmap(let map) where maps[map.payloadType] == nil: maps[map.payloadType] = map
            case .fmtp(let pt, let text) where parameters[pt] == nil: parameters[pt] = text
            case .rtcpFeedback(let feedback):
                guard isKept(feedback) else { continue }
                if let pt = feedback.payloadType {
                    if specific[pt, default: []].count < keptVideoFeedback.count {
                        specific[pt, default: []].append(feedback)
                    }
                } else if wildcard.count < keptVideoFeedback.count, !wildcard.contains(feedback) {
                    wildcard.append(feedback)
                }
            default: break
            }
        }
        // RFC 4588 §8.6: rtx/<clock> with apt=<original PT>.
        var rtxFor: [UInt8: UInt8] = [:]
        for (pt, map) in maps where map.encodingName.lowercased() == "rtx" {
            guard let apt = parameters[pt].flatMap({ fmtpValue("apt", in: $0) }).flatMap({ UInt8($0) }) else {
                continue
            }
            if rtxFor[apt].map({ pt < $0 }) ?? true { rtxFor[apt] = pt }
        }
        var result: [NegotiatedCodec] = []
        for pt in section.payloadTypes {
            guard result.count < limit, let map = maps[pt],
                let codec = codec(map, parameters: parameters[pt], kind: section.kind)
            else { continue }
            var chosen = codec
            chosen.rtxPayloadType = codec.family == .opus ? nil : rtxFor[pt]
            if codec.family != .opus {
                var feedback: [SDPRTCPFeedback] = []
                for item in wildcard + (specific[pt] ?? []) {
                    let entry = SDPRTCPFeedback(payloadType: pt, type: item.type, parameter: item.parameter)
                    if !feedback.contains(entry) { feedback.append(entry) }
                }
                chosen.feedback = feedback
            }
            result.append(chosen)
        }
        return result
    }

    static func isKept(_ feedback: SDPRTCPFeedback) -> Bool {
        keptVideoFeedback.contains { $0.type == feedback.type && $0.parameter == feedback.parameter }
    }

    /// The forwarded codec `map` describes in a section of `kind`, or nil (other codecs, H264 other than
    /// packetization-mode 1, a clock rate the RFC does not define).
    static func codec(_ map: SDPRTPMap, parameters: String?, kind: String) -> NegotiatedCodec? {
        switch (kind, map.encodingName.lowercased()) {
        case ("audio", "opus") where map.clockRate == 48_000:
            // RFC 7587 §7: always opus/48000/2.
            return NegotiatedCodec(
                family: .opus, payloadType: map.payloadType, clockRate: 48_000, channels: map.channels ?? 2,
                parameters: parameters)
        case ("video", "vp8") where map.clockRate == 90_000:
            return NegotiatedCodec(
                family: .vp8, payloadType: map.payloadType, clockRate: 90_000, parameters: parameters)
        case ("video", "h264") where map.clockRate == 90_000:
            // RFC 6184 §8.1: packetization-mode absent means 0 (single NAL unit); only mode 1 is forwarded.
            let text = parameters ?? ""
            guard fmtpValue("packetization-mode", in: text) == "1" else { return nil }
            var profile = H264ProfileLevelID.assumedWhenAbsent
            if let raw = fmtpValue("profile-level-id", in: text) {
                guard let parsed = H264ProfileLevelID(hex: raw) else { return nil }
                profile = parsed
            }
            return NegotiatedCodec(
                family: .h264, payloadType: map.payloadType, clockRate: 90_000, parameters: parameters,
                h264Profile: profile)
        default:
            return nil
        }
    }

    /// The value of `key` in a `k=v;k2=v2` fmtp (keys compared case-insensitively, RFC 6184 §8.1 / RFC 4588).
    static func fmtpValue(_ key: String, in parameters: String) -> String? {
        for entry in SDPAttribute.fmtpParameters(parameters) where entry.key.lowercased() == key {
            return entry.value
        }
        return nil
    }
}
