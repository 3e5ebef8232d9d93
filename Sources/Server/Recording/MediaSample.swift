/// One decodable unit of a track: an Opus packet, a VP8 frame, or an H264 access unit (AVCC, 4-byte lengths).
struct MediaSample: Sendable, Hashable {
    /// Extended RTP timestamp (the track's clock rate).
    var timestamp: Int64
    var data: [UInt8]
    /// A random access point: every Opus packet, a VP8 key frame, an H264 access unit with an IDR slice.
    var isKeyframe: Bool
    /// When its first packet arrived (microseconds since the Unix epoch): the fallback for synchronisation.
    var arrivalMicros: Int64
}
