import ParleyMedia

/// What `/api/streams` shows of one publication: its tracks as received and its players.
public struct PublicationStats: Sendable, Hashable {
    public struct Track: Sendable, Hashable {
        public var kind: MediaKind
        /// The encoding name ("opus", "VP8", "H264").
        public var codec: String
        /// H264: the profile-level-id in hex; nil otherwise.
        public var profile: String?
        public var payloadType: UInt8
        public var clockRate: UInt32
        public var ssrc: UInt32?
        public var packets: UInt64
        /// Payload bytes received.
        public var bytes: UInt64
        /// Payload bits per second over the last second.
        public var bitrate: UInt64
        /// PLI/FIR requests sent to the publisher for this track.
        public var keyframeRequests: UInt64
    }

    public var path: String
    public var tracks: [Track]
    /// Players whose ICE and DTLS finished, and all player sessions (connected or not).
    public var playersConnected: Int
    public var players: Int
}

extension MediaPlaneCore {
    /// Every live publication (order of paths unspecified).
    func publications() -> [PublicationStats] {
        publisherByPath.keys.compactMap(publication)
    }

    func publication(_ path: String) -> PublicationStats? {
        guard let publisher = publisherByPath[path].flatMap({ sessions[$0] }) else { return nil }
        let players = subscribersByPath[path] ?? []
        let connected = players.reduce(0) { $0 + (sessions[$1]?.peer.isConnected == true ? 1 : 0) }
        return PublicationStats(
            path: path,
            tracks: publisher.publishedTracks.map { track in
                PublicationStats.Track(
                    kind: track.kind, codec: track.codec.family.encodingName,
                    profile: track.codec.h264Profile.map { "\($0)" }, payloadType: track.codec.payloadType,
                    clockRate: track.codec.clockRate, ssrc: track.ssrc, packets: track.packets, bytes: track.bytes,
                    bitrate: track.bitrate, keyframeRequests: track.keyframeRequestsSent)
            },
            playersConnected: connected, players: players.count)
    }
}
