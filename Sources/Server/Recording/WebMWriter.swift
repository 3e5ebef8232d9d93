/// WebM (Matroska, RFC 9559, with the WebM restrictions of https://www.webmproject.org/docs/container/): 1 ms
/// timestamps, V_VP8 and A_OPUS tracks, clusters of SimpleBlocks started at video key frames (at most ~5 s apart,
/// well inside the 16-bit relative block time), Cues for each cluster that starts at a key frame, a SeekHead so a
/// player finds them. Built in memory, so every size and position is known when written.
enum WebMWriter {
    static let appName = "parley-recording"

    static func write(tracks: [PreparedTrack]) -> [UInt8] {
        let durationMilliseconds = (tracks.map(\.endSeconds).max() ?? 0) * 1000
        let header = EBML.master(
            MatroskaID.ebml,
            [
                EBML.unsigned(MatroskaID.ebmlVersion, 1), EBML.unsigned(MatroskaID.ebmlReadVersion, 1),
                EBML.unsigned(MatroskaID.ebmlMaxIDLength, 4), EBML.unsigned(MatroskaID.ebmlMaxSizeLength, 8),
                EBML.string(MatroskaID.docType, "webm"), EBML.unsigned(MatroskaID.docTypeVersion, 4),
                EBML.unsigned(MatroskaID.docTypeReadVersion, 2),
            ])
        let info = EBML.master(
            MatroskaID.info,
            [
                EBML.unsigned(MatroskaID.timestampScale, 1_000_000), // 1 ms per timestamp unit
                EBML.float(MatroskaID.duration, durationMilliseconds),
                EBML.string(MatroskaID.muxingApp, appName), EBML.string(MatroskaID.writingApp, appName),
            ])
        let trackEntries = EBML.master(
            MatroskaID.tracks, tracks.enumerated().map { trackEntry($1, number: UInt64($0 + 1)) })

        // Positions are relative to the Segment's data (RFC 9559 §5.1.1.1.2.2).
        let (clusters, keyframeClusters) = clusters(tracks: tracks)
        let hasCues = !keyframeClusters.isEmpty
        let infoPosition = UInt64(seekHead(info: 0, tracks: 0, cues: hasCues ? 0 : nil).count)
        let tracksPosition = infoPosition + UInt64(info.count)
        let clustersPosition = tracksPosition + UInt64(trackEntries.count)
        let cuesPosition = clustersPosition + UInt64(clusters.count)
        let cues =
            hasCues
            ? EBML.master(
                MatroskaID.cues,
                keyframeClusters.map { cue in
                    EBML.master(
                        MatroskaID.cuePoint,
                        [
                            EBML.unsigned(MatroskaID.cueTime, UInt64(cue.milliseconds)),
                            EBML.master(
                                MatroskaID.cueTrackPositions,
                                [
                                    EBML.unsigned(MatroskaID.cueTrack, cue.trackNumber),
                                    EBML.unsigned(MatroskaID.cueClusterPosition, clustersPosition + cue.offset),
                                ]),
                        ])
                }) : []
        let body =
            seekHead(info: infoPosition, tracks: tracksPosition, cues: hasCues ? cuesPosition : nil) + info
            + trackEntries + clusters + cues
        return header + EBML.id(MatroskaID.segment) + EBML.size(UInt64(body.count), length: 8) + body
    }

    /// Fixed-width positions, so its size does not depend on where things land.
    static func seekHead(info: UInt64, tracks: UInt64, cues: UInt64?) -> [UInt8] {
        func seek(_ id: UInt32, _ position: UInt64) -> [UInt8] {
            EBML.master(
                MatroskaID.seek,
                [EBML.element(MatroskaID.seekID, EBML.id(id)), EBML.unsigned8(MatroskaID.seekPosition, position)])
        }
        var seeks = [seek(MatroskaID.info, info), seek(MatroskaID.tracks, tracks)]
        if let cues { seeks.append(seek(MatroskaID.cues, cues)) }
        return EBML.master(MatroskaID.seekHead, seeks)
    }

    static func trackEntry(_ track: PreparedTrack, number: UInt64) -> [UInt8] {
        var children = [
            EBML.unsigned(MatroskaID.trackNumber, number), EBML.unsigned(MatroskaID.trackUID, number),
            EBML.unsigned(MatroskaID.flagLacing, 0),
        ]
        switch track.codec {
        case .opus:
            children += [
                EBML.unsigned(MatroskaID.trackType, 2), EBML.string(MatroskaID.codecID, "A_OPUS"),
                EBML.element(MatroskaID.codecPrivate, OpusIdentification(channels: track.channels).opusHead),
                EBML.unsigned(MatroskaID.codecDelay, 0),
                // WebM asks 80 ms of pre-roll before a seek target for Opus (the decoder's convergence).
                EBML.unsigned(MatroskaID.seekPreRoll, 80_000_000),
                EBML.master(
                    MatroskaID.audio,
                    [
                        EBML.float(MatroskaID.samplingFrequency, 48_000),
                        EBML.unsigned(MatroskaID.channels, UInt64(track.channels)),
                    ]),
            ]
        case .vp8, .h264:
            children += [
                EBML.unsigned(MatroskaID.trackType, 1),
                EBML.string(MatroskaID.codecID, track.codec == .vp8 ? "V_VP8" : "V_MPEG4/ISO/AVC"),
                EBML.master(
                    MatroskaID.video,
                    [
                        EBML.unsigned(MatroskaID.pixelWidth, UInt64(track.width)),
                        EBML.unsigned(MatroskaID.pixelHeight, UInt64(track.height)),
                    ]),
            ]
        }
        return EBML.master(MatroskaID.trackEntry, children)
    }

    /// A cluster that starts at a video key frame: where a player can seek to.
    struct KeyframeCluster {
        var milliseconds: Int64
        var trackNumber: UInt64
        /// From the first cluster's first byte.
        var offset: UInt64
    }

    /// Every sample of every track in time order, grouped into clusters; the clusters that start at a key frame.
    static func clusters(tracks: [PreparedTrack]) -> (bytes: [UInt8], keyframeClusters: [KeyframeCluster]) {
        struct Block {
            var milliseconds: Int64
            var track: Int
            var sample: Int
        }
        var blocks: [Block] = []
        for (trackIndex, track) in tracks.enumerated() {
            for (sampleIndex, sample) in track.samples.enumerated() {
                let milliseconds = Int64((track.seconds(of: sample) * 1000).rounded())
                blocks.append(Block(milliseconds: milliseconds, track: trackIndex, sample: sampleIndex))
            }
        }
        blocks.sort { ($0.milliseconds, $0.track, $0.sample) < ($1.milliseconds, $1.track, $1.sample) }
        let videoTrack = tracks.firstIndex { $0.codec.isVideo }

        var output: [UInt8] = []
        var keyframeClusters: [KeyframeCluster] = []
        var clusterStart: Int64 = 0
        var clusterBlocks: [[UInt8]] = []
        func flush() {
            guard !clusterBlocks.isEmpty else { return }
            output += EBML.master(
                MatroskaID.cluster, [EBML.unsigned(MatroskaID.timestamp, UInt64(clusterStart))] + clusterBlocks)
            clusterBlocks = []
        }
        for block in blocks {
            let sample = tracks[block.track].samples[block.sample]
            let isVideoKey = block.track == videoTrack && sample.isKeyframe
            let age = block.milliseconds - clusterStart
            // The first key frame always opens a cluster (so it has a cue); later ones after at least a second.
            let wantsNew =
                clusterBlocks.isEmpty || age >= 5_000
                || (isVideoKey && (age >= 1_000 || keyframeClusters.isEmpty))
                || (videoTrack == nil && age >= 1_000)
            if wantsNew {
                flush()
                clusterStart = block.milliseconds
                if isVideoKey, let videoTrack {
                    keyframeClusters.append(
                        KeyframeCluster(
                            milliseconds: block.milliseconds, trackNumber: UInt64(videoTrack + 1),
                            offset: UInt64(output.count)))
                }
            }
            // RFC 9559 §10.2: track number (VINT), signed 16-bit time relative to the cluster, flags, the frame.
            let relative = Int16(block.milliseconds - clusterStart)
            var data = EBML.size(UInt64(block.track + 1))
            data += [UInt8(truncatingIfNeeded: UInt16(bitPattern: relative) >> 8), UInt8(truncatingIfNeeded: relative)]
            data.append(sample.isKeyframe ? 0x80 : 0x00)
            data += sample.data
            clusterBlocks.append(EBML.element(MatroskaID.simpleBlock, data))
        }
        flush()
        return (output, keyframeClusters)
    }
}
