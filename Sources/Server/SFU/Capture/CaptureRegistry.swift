import ParleyMedia

/// What the manifest needs of an offer's m= section, kept per session in case a capture starts later.
struct CaptureTrackSection {
    var kind: MediaKind
    var mid: String
    var offeredExtensions: [CaptureManifest.HeaderExtension]
}

/// The open debug captures, by stream path. Confined to the media loop (a stored part of MediaPlaneCore).
struct CaptureRegistry {
    var settings = CaptureSettings()
    var active: [String: ActiveCapture] = [:]
    /// For unique file names when two captures of one path start within the same second.
    var serial: UInt64 = 0

    struct ActiveCapture {
        let writer: DebugCaptureWriter
        let trigger: String
        let info: CaptureInfo
    }
}

/// A running capture as the API reports it.
public struct CaptureInfo: Sendable, Hashable {
    public var streamPath: String
    public var trigger: String
    public var pcapPath: String
    public var manifestPath: String
    public var startedAt: String

    public init(streamPath: String, trigger: String, pcapPath: String, manifestPath: String, startedAt: String) {
        self.streamPath = streamPath
        self.trigger = trigger
        self.pcapPath = pcapPath
        self.manifestPath = manifestPath
        self.startedAt = startedAt
    }
}

import ParleyWire

extension CaptureManifest.Stream {
    /// A publisher's track as received: SSRCs come from the offer's a=ssrc or, later, from the packets.
    init(received track: PublishedTrack, section: CaptureTrackSection?) {
        self.init(
            direction: "received", media: track.kind.rawValue, mid: section?.mid, ssrc: track.ssrc,
            rtxSSRC: track.rtxSSRC, payloadType: track.codec.payloadType, rtxPayloadType: track.codec.rtxPayloadType,
            codec: track.codec.family.encodingName, clockRate: track.codec.clockRate, channels: track.codec.channels,
            fmtp: track.codec.parameters, offeredHeaderExtensions: section?.offeredExtensions ?? [])
    }

    /// A player's track as sent: the SSRCs are the server's own.
    init(sent track: OutboundTrack, section: CaptureTrackSection?) {
        self.init(
            direction: "sent", media: track.kind.rawValue, mid: section?.mid, ssrc: track.rewriter.ssrc,
            rtxSSRC: track.rewriter.rtxSSRC, payloadType: track.codec.payloadType,
            rtxPayloadType: track.codec.rtxPayloadType, codec: track.codec.family.encodingName,
            clockRate: track.codec.clockRate, channels: track.codec.channels, fmtp: track.codec.parameters,
            offeredHeaderExtensions: section?.offeredExtensions ?? [])
    }
}
