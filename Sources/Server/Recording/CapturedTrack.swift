import ParleyWire

/// One RTP packet of a recorded track, as it arrived (RTX already unwrapped to the original packet).
struct CapturedRTPPacket: Sendable, Hashable {
    /// When the media loop handled it (the pcap record time), microseconds since the Unix epoch.
    var arrivalMicros: Int64
    var sequenceNumber: UInt16
    var timestamp: UInt32
    var marker: Bool
    /// The RTP payload, padding removed (RFC 3550 §5.1); empty for a padding-only packet.
    var payload: [UInt8]
}

/// An RTCP sender report's NTP ↔ RTP timestamp pair (RFC 3550 §6.4.1).
struct SenderReportMapping: Sendable, Hashable {
    /// 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, the fraction in the low 32.
    var ntpTimestamp: UInt64
    var rtpTimestamp: UInt32

    var ntpSeconds: Double { Double(ntpTimestamp >> 32) + Double(ntpTimestamp & 0xFFFF_FFFF) / 4_294_967_296 }
}

/// A publisher's track in a capture: what the manifest says of it and every packet of its SSRC found in the pcap.
struct CapturedTrack: Sendable {
    var stream: CaptureManifest.Stream
    var packets: [CapturedRTPPacket] = []
    var senderReports: [SenderReportMapping] = []

    var codec: RecordedCodec? { RecordedCodec(encodingName: stream.codec) }
}

/// The codecs the post-processor writes without re-encoding.
enum RecordedCodec: String, Sendable, Hashable {
    case opus, vp8, h264

    /// From an `a=rtpmap` encoding name (case-insensitive, RFC 4855 §3).
    init?(encodingName: String) {
        switch encodingName.lowercased() {
        case "opus": self = .opus
        case "vp8": self = .vp8
        case "h264": self = .h264
        default: return nil
        }
    }

    var isVideo: Bool { self != .opus }
}
