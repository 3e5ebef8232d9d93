import Foundation
import ParleyTime
import Hummingbird
import ParleyRooms
import ParleyMedia
import ParleySFU

/// The stream APIs, from the live registry (empty until something publishes; never canned):
/// `GET /api/streams` and `GET /api/stream/{streamPath}` in the seed's envelope with the older V6 revision's
/// snake_case shapes (https://monibuca.com/en/api/stream/), and v5's `GET /api/stream/list` / `GET /api/stream/info/{streamPath}`.
/// The registry names the streams; the media plane adds what it measures (per-track codec, bitrate, packets,
/// players). A stream the plane does not carry (or before it runs) keeps `null` bitrates and no `tracks` entries.
struct MonibucaStreams: Sendable {
    let rooms: any RoomDirectory
    let clock: any ServerClock
    /// The media plane's live publications (empty without a plane).
    var publications: @Sendable () async -> [PublicationStats] = { [] }
    /// Cluster mode: the other nodes' streams join `/api/streams`.
    var serviceView: ServiceWideView? = nil

    struct Publisher: Encodable {
        /// The protocol that publishes: every Parley stream arrives over WebRTC.
        let type = "webrtc"
        let user_id: Nullable<String>
        let start_time: String
    }

    struct StreamSummary: Encodable {
        let path: String
        let state = "publishing"
        let room_id: Nullable<String>
        let publisher: Publisher
        let subscribers: Int
        let video_codec: Nullable<String>
        let audio_codec: Nullable<String>
        let video_bitrate: Nullable<Int>
        let audio_bitrate: Nullable<Int>
        /// Whole seconds since the stream started.
        let duration: Int
        /// Each track the publisher sends, as the media plane receives it.
        let tracks: [MediaTrack]
        let players: Players
    }

    /// One published track: codec (H264 with its profile-level-id), the publisher's payload type and SSRC,
    /// payload packets/bytes received, bits per second over the last second, keyframe requests sent upstream.
    struct MediaTrack: Encodable {
        let kind: String
        let codec: String
        let profile: Nullable<String>
        let payload_type: Int
        let clock_rate: Int
        let ssrc: Nullable<UInt32>
        let packets: UInt64
        let bytes: UInt64
        let bitrate: UInt64
        let keyframe_requests: UInt64

        init(_ track: PublicationStats.Track) {
            kind = track.kind.rawValue
            codec = track.codec
            profile = Nullable(track.profile)
            payload_type = Int(track.payloadType)
            clock_rate = Int(track.clockRate)
            ssrc = Nullable(track.ssrc)
            packets = track.packets
            bytes = track.bytes
            bitrate = track.bitrate
            keyframe_requests = track.keyframeRequests
        }
    }

    /// WHEP players of the stream: every session, and those whose ICE and DTLS finished.
    struct Players: Encodable {
        let total: Int
        let connected: Int
    }

    struct StreamList: Encodable {
        let total: Int
        let streams: [StreamSummary]
    }

    struct Track: Encodable {
        let codec: String
        /// Present when the media plane carries the track (bits per second, payload bytes received).
        var bitrate: UInt64? = nil
        var bytes: UInt64? = nil
    }

    struct Tracks: Encodable {
        let video: Nullable<Track>
        let audio: Nullable<Track>
    }

    struct StreamDetail: Encodable {
        let path: String
        let state = "publishing"
        let room_id: Nullable<String>
        let publisher: Publisher
        let tracks: Tracks
        let subscriber_count: Int
        let duration: Int
        let bytes_in: Nullable<Int>
    }

    func register(on router: Router<ParleyRequestContext>) {
        router.get("/api/streams") { _, _ in try await serviceList() }
        router.get("/api/stream/list") { request, _ in try await v5List(request) }
        router.get("/api/stream/info/**") { request, _ in
            try MonibucaEnvelope.success(try await detail(pathAfter: 3, in: request))
        }
        router.get("/api/stream/**") { request, _ in
            try MonibucaEnvelope.success(try await detail(pathAfter: 2, in: request))
        }
        for path in ["/api/streams", "/api/stream/list", "/api/stream/info/**", "/api/stream/**"] {
            MonibucaMethods.refuseOthers(on: router, path: path, allowed: [.get])
        }
    }

    func list() async -> StreamList {
        let streams = await rooms.streams()
        // Nothing published: the media plane (a hop to its event loop) has nothing to add.
        guard !streams.isEmpty else { return list([], measured: [:]) }
        let publications = await publications()
        if publications.count <= Self.linearMatchLimit {
            return StreamList(
                total: streams.count,
                streams: streams.map { info in summary(info, publications.first { $0.path == info.path.rawValue }) })
        }
        let measured = Dictionary(publications.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return list(streams, measured: measured)
    }

    /// The list of these streams with the plane's measurements (also the event loop's answer while no stream is
    /// live, ``MonibucaStreamsImmediateRoute``).
    func list(_ streams: [StreamInfo], measured: [String: PublicationStats]) -> StreamList {
        StreamList(total: streams.count, streams: streams.map { summary($0, measured[$0.path.rawValue]) })
    }

    /// Up to this many publications a scan per stream costs less than hashing every path into a dictionary.
    static let linearMatchLimit = 8

    /// The stream named by the path segments after the first `skip` ones (`%2F` accepted for `/`).
    func detail(pathAfter skip: Int, in request: Request) async throws(MonibucaError) -> StreamDetail {
        let path = try Self.streamPath(request.uri.path, skip: skip)
        guard let info = await rooms.stream(path) else { throw .notFound("stream \(path.rawValue) not found") }
        let (video, audio) = Self.classify(info.codecs)
        let measured = await publications().first { $0.path == path.rawValue }
        func track(_ codec: String?, _ kind: MediaKind) -> Nullable<Track> {
            guard let codec else { return Nullable(nil) }
            let stats = measured?.tracks.first { $0.kind == kind }
            return Nullable(Track(codec: codec, bitrate: stats?.bitrate, bytes: stats?.bytes))
        }
        return StreamDetail(
            path: info.path.rawValue, room_id: Nullable(info.roomID?.rawValue),
            publisher: publisher(info),
            tracks: Tracks(video: track(video, .video), audio: track(audio, .audio)),
            subscriber_count: info.subscribers, duration: duration(info),
            bytes_in: Nullable(measured.map { Int(clamping: $0.tracks.reduce(0) { $0 &+ $1.bytes }) }))
    }

    static func streamPath(_ raw: String, skip: Int) throws(MonibucaError) -> StreamPath {
        let segments = MonibucaPaths.segments(of: raw)
        guard segments.count > skip,
            let decoded = segments[skip...].joined(separator: "/").removingPercentEncoding,
            let path = StreamPath(decoded)
        else { throw .badRequest("stream path must be 1-8 '/'-separated segments of [A-Za-z0-9._~-]{1,64}") }
        return path
    }

    func summary(_ info: StreamInfo, _ measured: PublicationStats?) -> StreamSummary {
        let (video, audio) = Self.classify(info.codecs)
        let tracks = measured?.tracks ?? []
        func bitrate(_ kind: MediaKind) -> Nullable<Int> {
            Nullable(tracks.first { $0.kind == kind }.map { Int(clamping: $0.bitrate) })
        }
        return StreamSummary(
            path: info.path.rawValue, room_id: Nullable(info.roomID?.rawValue),
            publisher: publisher(info),
            subscribers: info.subscribers, video_codec: Nullable(video), audio_codec: Nullable(audio),
            video_bitrate: bitrate(.video), audio_bitrate: bitrate(.audio), duration: duration(info),
            tracks: tracks.map(MediaTrack.init),
            players: Players(total: measured?.players ?? 0, connected: measured?.playersConnected ?? 0))
    }

    func publisher(_ info: StreamInfo) -> Publisher {
        Publisher(user_id: Nullable(info.publisher?.rawValue), start_time: Self.timestamp(info.startedAt))
    }

    func duration(_ info: StreamInfo) -> Int {
        max(0, Int(clock.now.timeIntervalSince(info.startedAt)))
    }

    static let videoCodecs: Set<String> = ["vp8", "vp9", "h264", "h265", "hevc", "av1"]
    /// Retransmission and redundancy formats: neither a video nor an audio codec.
    static let repairCodecs: Set<String> = ["rtx", "red", "ulpfec", "flexfec-03"]

    /// The first video and the first audio codec name among those negotiated.
    static func classify(_ codecs: [String]) -> (video: String?, audio: String?) {
        let video = codecs.first { videoCodecs.contains($0.lowercased()) }
        let audio = codecs.first { !videoCodecs.contains($0.lowercased()) && !repairCodecs.contains($0.lowercased()) }
        return (video, audio)
    }

    /// `Date.formatted(.iso8601)`'s text, without the format style's cost (``RFC3339/format(_:)``).
    static func timestamp(_ date: Date) -> String {
        RFC3339.format(date)
    }
}
