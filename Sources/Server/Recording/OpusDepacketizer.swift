/// RFC 7587 §4.2: one Opus packet per RTP payload, the timestamp at 48 kHz whatever the audio bandwidth.
enum OpusDepacketizer {
    static func samples(from packets: [OrderedRTPPacket]) -> [MediaSample] {
        var samples: [MediaSample] = []
        samples.reserveCapacity(packets.count)
        for packet in packets {
            // An empty payload is RTP padding (a bandwidth probe), not an Opus packet (RFC 6716 §3.1 needs a TOC).
            // Nor is anything longer than 48 frames of 1275 bytes (RFC 6716 §3.2.5, §3.4 R2/R5).
            guard packet.payload.count <= OpusPacket.maxPacketBytes, OpusPacket.sampleCount(packet.payload) != nil
            else { continue }
            // Timestamps must move forward; one that does not is a sender restart or garbage, not audio.
            if let last = samples.last, packet.extendedTimestamp <= last.timestamp { continue }
            samples.append(
                MediaSample(
                    timestamp: packet.extendedTimestamp, data: packet.payload, isKeyframe: true,
                    arrivalMicros: packet.arrivalMicros))
        }
        return samples
    }

    /// Fills every gap of at least one frame between consecutive packets (loss, DTX) with TOC-only packets of the
    /// previous packet's configuration, so players that count decoded samples (Ogg, MP4) keep the timeline: a frame
    /// of zero bytes tells the decoder to conceal (RFC 6716 §3.2.1). At most `maxFillSamples` per gap are filled.
    static func fillGaps(_ samples: [MediaSample], maxFillSamples: Int64 = 48_000 * 3600) -> [MediaSample] {
        var filled: [MediaSample] = []
        filled.reserveCapacity(samples.count)
        for sample in samples {
            if let last = filled.last, let lastDuration = OpusPacket.sampleCount(last.data), lastDuration > 0 {
                let frameDuration = Int64(OpusPacket.frameSampleCount(toc: last.data[0]))
                var next = last.timestamp + Int64(lastDuration)
                let end = min(sample.timestamp, next + maxFillSamples)
                let filler = [last.data[0] & 0xFC] // same configuration, code 0: one frame (of zero bytes)
                while next + frameDuration <= end {
                    filled.append(
                        MediaSample(timestamp: next, data: filler, isKeyframe: true, arrivalMicros: last.arrivalMicros))
                    next += frameDuration
                }
            }
            filled.append(sample)
        }
        return filled
    }
}

/// What the post-processor needs of an Opus packet's TOC byte (RFC 6716 §3.1).
enum OpusPacket {
    /// 48 frames of at most 1275 bytes each (RFC 6716 §3.2.5): also keeps any packet within one Ogg page.
    static let maxPacketBytes = 48 * 1275
    /// Samples at 48 kHz of one frame of the TOC's configuration (RFC 6716 §3.1, Table 2).
    static func frameSampleCount(toc: UInt8) -> Int {
        let config = Int(toc >> 3)
        switch config {
        case 0..<12:
            // SILK: 10, 20, 40, 60 ms.
            return [480, 960, 1920, 2880][config % 4]
        case 12..<16:
            // Hybrid: 10, 20 ms.
            return [480, 960][config % 2]
        default:
            // CELT: 2.5, 5, 10, 20 ms.
            return [120, 240, 480, 960][config % 4]
        }
    }

    /// Total samples at 48 kHz in the packet; nil when the packet is empty or its frame count byte is missing or
    /// zero (RFC 6716 §3.2.5: code 3 needs M ≥ 1) or the total passes 120 ms (§3.2.5's limit).
    static func sampleCount(_ packet: [UInt8]) -> Int? {
        guard let toc = packet.first else { return nil }
        let frames: Int
        switch toc & 0x03 {
        case 0: frames = 1
        case 1, 2: frames = 2
        default:
            guard packet.count >= 2 else { return nil }
            frames = Int(packet[1] & 0x3F)
        }
        let total = frames * frameSampleCount(toc: toc)
        guard frames > 0, total <= 5760 else { return nil }
        return total
    }
}
