/// Ogg Opus (RFC 7845): the identification header page, the comment header page, then audio pages of about a
/// second each, granule positions counting 48 kHz samples (§4) from the first packet.
enum OggOpusWriter {
    static let vendor = "parley-recording"
    /// RFC 7845 §6 leaves the page size to the muxer; about one second bounds what a seek has to decode.
    static let samplesPerPage: Int64 = 48_000

    /// `samples` must be gap-filled (`OpusDepacketizer.fillGaps`) so that granule positions follow the packets.
    static func write(samples: [MediaSample], channels: UInt8, serialNumber: UInt32) -> [UInt8] {
        let identification = OpusIdentification(channels: channels)
        var output: [UInt8] = []
        var sequence: UInt32 = 0
        func page(_ packets: [[UInt8]], _ type: UInt8, _ granule: Int64) {
            output += OggPage.encode(
                packets: packets, headerType: type, granulePosition: granule, serialNumber: serialNumber,
                sequenceNumber: sequence)
            sequence += 1
        }
        // §3: each header packet alone on its page, granule position 0.
        page([identification.opusHead], OggPage.beginningOfStream, 0)
        page([OpusIdentification.opusTags(vendor: vendor)], 0, 0)

        var pending: [[UInt8]] = []
        var segments = 0
        var granule = Int64(identification.preSkip)
        var pageStart = granule
        for (index, sample) in samples.enumerated() {
            let needed = sample.data.count / 255 + 1
            if !pending.isEmpty && (segments + needed > 255 || granule - pageStart >= samplesPerPage) {
                page(pending, 0, granule)
                pending = []
                segments = 0
                pageStart = granule
            }
            pending.append(sample.data)
            segments += needed
            granule += Int64(OpusPacket.sampleCount(sample.data) ?? 0)
            if index == samples.count - 1 {
                page(pending, OggPage.endOfStream, granule)
            }
        }
        return output
    }
}
