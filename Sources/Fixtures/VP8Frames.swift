import ParleyWire

/// VP8 RTP payloads (RFC 7741) shaped like a real stream: a keyframe every `keyframeInterval` frames, each frame
/// split into packets of at most `maxPayload` bytes with the payload descriptor's S bit and PID 0 on the first,
/// the frame tag (RFC 6386 §9.1) with P=0 and the 9d 01 2a start code and dimensions on keyframes, the marker on
/// the last packet of each frame. Frame contents are seeded bytes, not a decodable picture: enough for keyframe
/// detection, forwarding and replay, not for a decoder.
public struct VP8Frames: Sendable {
    public var width: UInt16
    public var height: UInt16
    public var keyframeInterval: Int
    /// Bytes of compressed data per frame (keyframes get four times as many).
    public var frameBytes: Int
    public var maxPayload: Int
    public var seed: UInt64

    public init(
        width: UInt16 = 320, height: UInt16 = 240, keyframeInterval: Int = 30, frameBytes: Int = 1500,
        maxPayload: Int = 1100, seed: UInt64 = 8
    ) {
        self.width = width
        self.height = height
        self.keyframeInterval = keyframeInterval
        self.frameBytes = frameBytes
        self.maxPayload = maxPayload
        self.seed = seed
    }

    /// One frame's compressed bytes: the 3-byte frame tag, and on a keyframe the start code and 14-bit sizes.
    public func frame(_ index: Int, random: inout SeededGenerator) -> [UInt8] {
        let keyframe = index % max(1, keyframeInterval) == 0
        let body = random.bytes(keyframe ? frameBytes * 4 : frameBytes)
        // Frame tag: bit 0 = P (0 = key), bits 1-3 version 0, bit 4 show_frame, bits 5-23 first partition size.
        let partition = UInt32(min(body.count, 0x7FFFF))
        let tag = (keyframe ? 0 : 1) | 0x10 | partition << 5
        var out = [UInt8(tag & 0xff), UInt8(tag >> 8 & 0xff), UInt8(tag >> 16 & 0xff)]
        if keyframe {
            out += [0x9d, 0x01, 0x2a]
            out += [UInt8(width & 0xff), UInt8(width >> 8 & 0x3f), UInt8(height & 0xff), UInt8(height >> 8 & 0x3f)]
        }
        return out + body
    }

    /// `frames` frames as RTP payloads, each with whether it ends its frame (the marker) and its frame index.
    public func payloads(frames: Int) -> [(payload: [UInt8], endsFrame: Bool, frame: Int)] {
        var random = SeededGenerator(seed: seed)
        var out: [(payload: [UInt8], endsFrame: Bool, frame: Int)] = []
        let chunk = max(1, maxPayload - 1)
        for index in 0..<frames {
            let data = frame(index, random: &random)
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + chunk)
                // RFC 7741 §4.2: X=0, N=0, S=1 only on the first packet of the frame, PID=0.
                let descriptor: UInt8 = offset == 0 ? 0x10 : 0x00
                out.append(([descriptor] + data[offset..<end], end == data.count, index))
                offset = end
            }
        }
        return out
    }

    /// `frames` frames at `fps` as RTP packets on `train` (90 kHz; packets of one frame share a timestamp).
    public func packets(frames: Int, fps: Int = 30, train: RTPTrain = RTPTrain(ssrc: 0x5650_3830, payloadType: 96))
        -> [TimedRTPPacket]
    {
        let parts = payloads(frames: frames)
        let frameMicros = Int64(1_000_000 / max(1, fps))
        let step = UInt32(90_000 / max(1, fps))
        let lost = train.loss.lostIndices(count: parts.count)
        return parts.enumerated().map { index, part in
            let packet = RTPPacket(
                marker: part.endsFrame, payloadType: train.payloadType,
                sequenceNumber: train.firstSequence &+ UInt16(truncatingIfNeeded: index),
                timestamp: train.firstTimestamp &+ step &* UInt32(truncatingIfNeeded: part.frame), ssrc: train.ssrc,
                payload: part.payload)
            return TimedRTPPacket(
                offsetMicros: Int64(part.frame) * frameMicros, packet: packet, delivered: !lost.contains(index))
        }
    }
}
