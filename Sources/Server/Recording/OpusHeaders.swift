/// The Opus identification header, shared by Ogg (RFC 7845 §5.1) and WebM (`CodecPrivate` of `A_OPUS`).
struct OpusIdentification: Sendable, Hashable {
    var channels: UInt8
    /// Samples at 48 kHz to drop at the start. Recorded RTP starts mid-stream, with no encoder delay to hide: 0.
    var preSkip: UInt16 = 0
    var inputSampleRate: UInt32 = 48_000

    /// RFC 7845 §5.1: "OpusHead", version 1, channels, pre-skip, input rate, gain 0, channel mapping family 0
    /// (mono or stereo), little-endian.
    var opusHead: [UInt8] {
        Array("OpusHead".utf8) + [1, channels] + OggPage.littleEndian(preSkip)
            + OggPage.littleEndian(inputSampleRate) + [0, 0, 0]
    }

    /// RFC 7845 §5.2: "OpusTags", the vendor string, no user comments.
    static func opusTags(vendor: String) -> [UInt8] {
        let vendorBytes = Array(vendor.utf8)
        return Array("OpusTags".utf8) + OggPage.littleEndian(UInt32(vendorBytes.count)) + vendorBytes
            + OggPage.littleEndian(UInt32(0))
    }
}
