import Foundation
import ParleyWire

/// A debug capture as the server writes it (docs/capture-format.md), built from generated streams: a `.pcap`
/// (DLT_RAW) and its `.json` manifest, for replay tests that need no server. One publisher session sending the
/// given streams from `remote` to `server`.
public struct CaptureFixture: Sendable {
    public struct Stream: Sendable {
        public var media: String
        public var codec: String
        public var clockRate: UInt32
        public var channels: Int?
        public var packets: [TimedRTPPacket]

        public init(media: String, codec: String, clockRate: UInt32, channels: Int? = nil, packets: [TimedRTPPacket]) {
            self.media = media
            self.codec = codec
            self.clockRate = clockRate
            self.channels = channels
            self.packets = packets
        }

        /// `seconds` of an Opus tone (RFC 7587).
        public static func opusTone(
            frequency: Double = 440, seconds: Double = 1, ssrc: UInt32 = 0x4F50_5553, payloadType: UInt8 = 111
        ) throws -> Stream {
            Stream(
                media: "audio", codec: "opus", clockRate: 48_000, channels: 2,
                packets: try OpusRTPStream.packets(
                    .tone(frequency: frequency), seconds: seconds,
                    train: RTPTrain(ssrc: ssrc, payloadType: payloadType)))
        }

        /// `frames` VP8 frames at 30 fps (RFC 7741).
        public static func vp8(frames: Int = 30, ssrc: UInt32 = 0x5650_3830, payloadType: UInt8 = 96) -> Stream {
            Stream(
                media: "video", codec: "VP8", clockRate: 90_000,
                packets: VP8Frames().packets(frames: frames, train: RTPTrain(ssrc: ssrc, payloadType: payloadType)))
        }
    }

    public var streamPath: String
    public var streams: [Stream]
    public var remote: STUNAddress
    public var server: STUNAddress
    public var startMicros: Int64

    public init(
        streamPath: String = "live/fixture", streams: [Stream], remote: STUNAddress? = nil, server: STUNAddress? = nil,
        startMicros: Int64 = 1_700_000_000_000_000
    ) {
        let loopback = IPAddress("127.0.0.1") ?? IPAddress(bytes: [127, 0, 0, 1])!
        self.streamPath = streamPath
        self.streams = streams
        self.remote = remote ?? STUNAddress(ip: loopback, port: 50_000)
        self.server = server ?? STUNAddress(ip: loopback, port: 9000)
        self.startMicros = startMicros
    }

    /// Every delivered packet of every stream, merged in time order.
    public var packets: [PcapFixture.Packet] {
        streams.flatMap { PcapFixture.packets($0.packets, from: remote, to: server, startMicros: startMicros) }
            .enumerated().sorted { ($0.element.timestampMicros, $0.offset) < ($1.element.timestampMicros, $1.offset) }
            .map(\.element)
    }

    public var manifest: CaptureManifest {
        var manifest = CaptureManifest(
            pcapFile: "", streamPath: streamPath, trigger: "api", startedAt: "2023-11-14T22:13:20.000Z",
            serverAddress: server.description)
        var session = CaptureManifest.Session(
            sessionID: "fixture-session", kind: "publisher", attachedAt: manifest.startedAt,
            streams: streams.enumerated().map { index, stream in
                var entry = CaptureManifest.Stream(
                    direction: "received", media: stream.media, mid: String(index),
                    ssrc: stream.packets.first?.packet.ssrc, rtxSSRC: nil,
                    payloadType: stream.packets.first?.packet.payloadType ?? 0, rtxPayloadType: nil,
                    codec: stream.codec, clockRate: stream.clockRate, channels: stream.channels, fmtp: nil)
                let delivered = stream.packets.filter(\.delivered)
                entry.packets = UInt64(delivered.count)
                entry.bytes = UInt64(delivered.reduce(0) { $0 + $1.bytes.count })
                return entry
            })
        session.remoteAddress = remote.description
        session.detachedAt = manifest.startedAt
        manifest.sessions = [session]
        let frames = packets
        manifest.counters.records = UInt64(frames.count)
        manifest.counters.pcapBytes = UInt64(PcapFixture.pcap(frames).count)
        manifest.stoppedAt = manifest.startedAt
        manifest.stopReason = "fixture"
        manifest.complete = true
        return manifest
    }

    /// Writes `<stem>.pcap` and `<stem>.json` into `directory` (created if needed); returns both paths.
    @discardableResult
    public func write(to directory: String, stem: String = "fixture") throws -> (pcap: String, manifest: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pcapPath = directory + "/" + stem + ".pcap"
        let manifestPath = directory + "/" + stem + ".json"
        try Data(PcapFixture.pcap(packets)).write(to: URL(fileURLWithPath: pcapPath))
        var manifest = self.manifest
        manifest.pcapFile = stem + ".pcap"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))
        return (pcapPath, manifestPath)
    }
}
