/// A depacketized track placed on the recording's timeline, ready for a muxer.
struct PreparedTrack: Sendable {
    var codec: RecordedCodec
    /// The manifest's codec name (`"opus"`, `"VP8"`, `"H264"`).
    var codecName: String
    var clockRate: UInt32
    var channels: UInt8
    /// In decoding order; timestamps in `clockRate` units, extended.
    var samples: [MediaSample]
    /// Where the first sample sits on the recording's timeline, in seconds from the earliest track's first sample.
    var startSeconds: Double
    var width: UInt16 = 0
    var height: UInt16 = 0
    /// H264 only: the first sequence and picture parameter sets (for `avcC`).
    var h264Configuration: H264Configuration?

    /// The sample's time on the recording's timeline, in seconds.
    func seconds(of sample: MediaSample) -> Double {
        guard let first = samples.first else { return startSeconds }
        return startSeconds + Double(sample.timestamp - first.timestamp) / Double(clockRate)
    }

    /// Samples of `clockRate` from sample `index` to the next (the last one lasts as long as the one before it,
    /// or an Opus packet as long as its TOC says).
    func duration(at index: Int) -> Int64 {
        if index + 1 < samples.count { return samples[index + 1].timestamp - samples[index].timestamp }
        if codec == .opus, let count = OpusPacket.sampleCount(samples[index].data) { return Int64(count) }
        if index > 0 { return samples[index].timestamp - samples[index - 1].timestamp }
        return Int64(clockRate / 30)
    }

    /// The end of the last sample, in seconds on the recording's timeline.
    var endSeconds: Double {
        guard let last = samples.indices.last else { return startSeconds }
        return seconds(of: samples[last]) + Double(duration(at: last)) / Double(clockRate)
    }
}

/// Audio/video synchronisation: each track's first sample is put on one wall clock, and the earliest becomes 0.
enum TrackSynchronizer {
    /// Wall-clock seconds of each track's first sample. When every track has an RTCP sender report, its NTP ↔ RTP
    /// pair maps the sender's media clock to its wall clock (RFC 3550 §6.4.1), the same clock for all its tracks.
    /// Otherwise the pcap arrival times are used for all tracks: the least-delayed packet of a track tells best
    /// where its timestamps sit (the others only add network and loop delay).
    static func firstSampleWallClock(
        tracks: [(samples: [MediaSample], clockRate: UInt32, senderReports: [SenderReportMapping])]
    ) -> [Double] {
        let useSenderReports = tracks.allSatisfy { !$0.senderReports.isEmpty }
        return tracks.map { track in
            guard let first = track.samples.first else { return 0 }
            let rate = Double(track.clockRate)
            if useSenderReports, let report = track.senderReports.first {
                let reportTimestamp = RTPOrdering.extend(report.rtpTimestamp, near: first.timestamp)
                return report.ntpSeconds + Double(first.timestamp - reportTimestamp) / rate
            }
            var best = Double.infinity
            for sample in track.samples {
                let estimate =
                    Double(sample.arrivalMicros) / 1_000_000 - Double(sample.timestamp - first.timestamp) / rate
                best = min(best, estimate)
            }
            return best
        }
    }
}
