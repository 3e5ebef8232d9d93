/// Fragmented MP4 (ISO/IEC 14496-12): `ftyp`, a `moov` with one `trak` per track and `mvex`, then a `moof` + `mdat`
/// per second of media. H264 as `avc1` + `avcC` (ISO/IEC 14496-15 §5.3), Opus as `Opus` + `dOps` ("Encapsulation of
/// Opus in ISO Base Media File Format", https://opus-codec.org/docs/opus_in_isobmff.html). Each track's timescale
/// is its RTP clock rate, so sample times are RTP timestamp differences exactly.
enum FragmentedMP4Writer {
    static let movieTimescale: UInt32 = 1000
    static let fragmentSeconds = 1.0

    static func write(tracks: [PreparedTrack]) -> [UInt8] {
        let duration = tracks.map(\.endSeconds).max() ?? 0
        let movieDuration = UInt32(clamping: Int64((duration * Double(movieTimescale)).rounded()))
        var brands = ["isom", "iso6", "mp41"]
        if tracks.contains(where: { $0.codec == .h264 }) { brands.append("avc1") }
        var output = ISOBox.box("ftyp", Array("isom".utf8) + ISOBox.u32(0x200) + brands.flatMap { Array($0.utf8) })

        let mvhd = ISOBox.fullBox(
            "mvhd", version: 0, flags: 0,
            ISOBox.zeros(8) + ISOBox.u32(movieTimescale) + ISOBox.u32(movieDuration) + ISOBox.u32(0x0001_0000)
                + ISOBox.u16(0x0100) + ISOBox.zeros(10) + ISOBox.unityMatrix + ISOBox.zeros(24)
                + ISOBox.u32(UInt32(tracks.count + 1)))
        let traks = tracks.enumerated().map { trak($1, id: UInt32($0 + 1), movieDuration: movieDuration) }
        let mvex = ISOBox.box(
            "mvex",
            [ISOBox.fullBox("mehd", version: 0, flags: 0, ISOBox.u32(movieDuration))]
                + tracks.indices.map { index in
                    // trex: track, default sample description 1; every fragment states its own durations and sizes.
                    ISOBox.fullBox(
                        "trex", version: 0, flags: 0, ISOBox.u32(UInt32(index + 1)) + ISOBox.u32(1) + ISOBox.zeros(12))
                })
        output += ISOBox.box("moov", [mvhd] + traks + [mvex])

        let fragmentCount = max(1, Int((duration / fragmentSeconds).rounded(.up)))
        var next = [Int](repeating: 0, count: tracks.count)
        var sequence: UInt32 = 1
        for fragment in 0..<fragmentCount {
            let end = fragment == fragmentCount - 1 ? Double.infinity : Double(fragment + 1) * fragmentSeconds
            var ranges: [(track: Int, range: Range<Int>)] = []
            for (index, track) in tracks.enumerated() {
                var stop = next[index]
                while stop < track.samples.count && track.seconds(of: track.samples[stop]) < end { stop += 1 }
                if stop > next[index] { ranges.append((index, next[index]..<stop)) }
                next[index] = stop
            }
            guard !ranges.isEmpty else { continue }
            output += movieFragment(tracks: tracks, ranges: ranges, sequence: sequence)
            sequence += 1
        }
        return output
    }

    static func decodeTime(_ track: PreparedTrack, sample index: Int) -> UInt64 {
        let start = Int64((track.startSeconds * Double(track.clockRate)).rounded())
        return UInt64(max(0, start + track.samples[index].timestamp - track.samples[0].timestamp))
    }

    /// §8.8.4-§8.8.8, §8.8.12: `moof` (mfhd; per track tfhd with default-base-is-moof, tfdt, trun with a data
    /// offset and each sample's duration, size and flags) and the `mdat` the offsets point into.
    static func movieFragment(tracks: [PreparedTrack], ranges: [(track: Int, range: Range<Int>)], sequence: UInt32)
        -> [UInt8]
    {
        func moof(dataOffsets: [Int]) -> [UInt8] {
            var trafs: [[UInt8]] = []
            for (position, entry) in ranges.enumerated() {
                let track = tracks[entry.track]
                var trun =
                    ISOBox.u32(UInt32(entry.range.count))
                    + ISOBox.u32(UInt32(truncatingIfNeeded: dataOffsets[position]))
                for index in entry.range {
                    let sample = track.samples[index]
                    let flags: UInt32 = sample.isKeyframe ? 0x0200_0000 : 0x0101_0000 // depends on others, non-sync
                    trun +=
                        ISOBox.u32(UInt32(clamping: track.duration(at: index))) + ISOBox.u32(UInt32(sample.data.count))
                        + ISOBox.u32(flags)
                }
                trafs.append(
                    ISOBox.box(
                        "traf",
                        [
                            ISOBox.fullBox("tfhd", version: 0, flags: 0x02_0000, ISOBox.u32(UInt32(entry.track + 1))),
                            ISOBox.fullBox(
                                "tfdt", version: 1, flags: 0,
                                ISOBox.u64(decodeTime(track, sample: entry.range.lowerBound))),
                            // data-offset-present | sample-duration | sample-size | sample-flags
                            ISOBox.fullBox("trun", version: 0, flags: 0x0000_0701, trun),
                        ]))
            }
            return ISOBox.box("moof", [ISOBox.fullBox("mfhd", version: 0, flags: 0, ISOBox.u32(sequence))] + trafs)
        }
        let sizes = ranges.map { entry in entry.range.reduce(0) { $0 + tracks[entry.track].samples[$1].data.count } }
        // The moof's size does not depend on the offsets' values, so one trial build gives it.
        let moofSize = moof(dataOffsets: ranges.map { _ in 0 }).count
        var offsets: [Int] = []
        var offset = moofSize + 8
        for size in sizes {
            offsets.append(offset)
            offset += size
        }
        var mdat: [UInt8] = []
        mdat.reserveCapacity(sizes.reduce(0, +))
        for entry in ranges { for index in entry.range { mdat += tracks[entry.track].samples[index].data } }
        return moof(dataOffsets: offsets) + ISOBox.box("mdat", mdat)
    }

    static func trak(_ track: PreparedTrack, id: UInt32, movieDuration: UInt32) -> [UInt8] {
        let isVideo = track.codec.isVideo
        let tkhd = ISOBox.fullBox(
            "tkhd", version: 0, flags: 0x3, // enabled, in movie
            ISOBox.zeros(8) + ISOBox.u32(id) + ISOBox.zeros(4) + ISOBox.u32(movieDuration) + ISOBox.zeros(8)
                + ISOBox.zeros(4) + ISOBox.u16(isVideo ? 0 : 0x0100) + ISOBox.zeros(2) + ISOBox.unityMatrix
                + ISOBox.u32(UInt32(track.width) << 16) + ISOBox.u32(UInt32(track.height) << 16))
        let mdhd = ISOBox.fullBox(
            "mdhd", version: 0, flags: 0,
            // 0x55C4 packs "und" (ISO 639-2: undetermined), the language code
            ISOBox.zeros(8) + ISOBox.u32(track.clockRate) + ISOBox.u32(0) + ISOBox.u16(0x55C4) + ISOBox.zeros(2))
        let hdlr = ISOBox.fullBox(
            "hdlr", version: 0, flags: 0,
            ISOBox.zeros(4) + Array((isVideo ? "vide" : "soun").utf8) + ISOBox.zeros(12)
                + Array((isVideo ? "VideoHandler" : "SoundHandler").utf8) + [0])
        let mediaHeader =
            isVideo
            ? ISOBox.fullBox("vmhd", version: 0, flags: 1, ISOBox.zeros(8))
            : ISOBox.fullBox("smhd", version: 0, flags: 0, ISOBox.zeros(4))
        let dinf = ISOBox.box(
            "dinf",
            ISOBox.fullBox(
                "dref", version: 0, flags: 0, ISOBox.u32(1) + ISOBox.fullBox("url ", version: 0, flags: 1, [])))
        let stbl = ISOBox.box(
            "stbl",
            [
                ISOBox.fullBox("stsd", version: 0, flags: 0, ISOBox.u32(1) + sampleEntry(track)),
                ISOBox.fullBox("stts", version: 0, flags: 0, ISOBox.u32(0)),
                ISOBox.fullBox("stsc", version: 0, flags: 0, ISOBox.u32(0)),
                ISOBox.fullBox("stsz", version: 0, flags: 0, ISOBox.u32(0) + ISOBox.u32(0)),
                ISOBox.fullBox("stco", version: 0, flags: 0, ISOBox.u32(0)),
            ])
        let minf = ISOBox.box("minf", [mediaHeader, dinf, stbl])
        return ISOBox.box("trak", [tkhd, ISOBox.box("mdia", [mdhd, hdlr, minf])])
    }

    static func sampleEntry(_ track: PreparedTrack) -> [UInt8] {
        switch track.codec {
        case .opus:
            // Opus in ISOBMFF §4.3.1: an AudioSampleEntry at 48 kHz, 16-bit; §4.3.2 dOps (big-endian, unlike OpusHead).
            let dOps = ISOBox.box(
                "dOps", [0, track.channels] + ISOBox.u16(0) + ISOBox.u32(48_000) + ISOBox.u16(0) + [0])
            return ISOBox.box(
                "Opus",
                ISOBox.zeros(6) + ISOBox.u16(1) + ISOBox.zeros(8) + ISOBox.u16(UInt16(track.channels)) + ISOBox.u16(16)
                    + ISOBox.zeros(4) + ISOBox.u32(48_000 << 16) + dOps)
        case .h264:
            return ISOBox.box("avc1", visualSampleEntry(track) + avcC(track.h264Configuration))
        case .vp8:
            // Not written today (VP8 goes to WebM); kept total so a caller never builds a broken entry silently.
            return ISOBox.box("vp08", visualSampleEntry(track))
        }
    }

    /// §12.1.3 VisualSampleEntry fields: 72 dpi, one frame per sample, depth 24.
    static func visualSampleEntry(_ track: PreparedTrack) -> [UInt8] {
        ISOBox.zeros(6) + ISOBox.u16(1) + ISOBox.zeros(16) + ISOBox.u16(track.width) + ISOBox.u16(track.height)
            + ISOBox.u32(0x0048_0000) + ISOBox.u32(0x0048_0000) + ISOBox.zeros(4) + ISOBox.u16(1) + ISOBox.zeros(32)
            + ISOBox.u16(0x0018) + ISOBox.u16(0xFFFF)
    }

    /// ISO/IEC 14496-15 §5.3.3.1 AVCDecoderConfigurationRecord: 4-byte NAL lengths, one SPS, one PPS, and for the
    /// high profiles the chroma format and bit depths.
    static func avcC(_ configuration: H264Configuration?) -> [UInt8] {
        guard let configuration, let parameters = H264SequenceParameters(nalUnit: configuration.sequenceParameterSet)
        else { return [] }
        let sps = configuration.sequenceParameterSet
        let pps = configuration.pictureParameterSet
        var record: [UInt8] = [1, parameters.profile, parameters.constraints, parameters.level, 0xFC | 3, 0xE0 | 1]
        record += ISOBox.u16(UInt16(clamping: sps.count)) + sps + [1] + ISOBox.u16(UInt16(clamping: pps.count)) + pps
        if H264SequenceParameters.highProfiles.contains(parameters.profile) {
            record += [
                0xFC | UInt8(parameters.chromaFormat), 0xF8 | UInt8(parameters.bitDepthLuma - 8),
                0xF8 | UInt8(parameters.bitDepthChroma - 8), 0,
            ]
        }
        return ISOBox.box("avcC", record)
    }
}
