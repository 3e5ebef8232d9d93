import COpus
import Foundation
import CShims

/// Pre-encoded Opus frames (RFC 7587: 20 ms, 48 kHz) whose payloads are pairwise distinct, so a receiver can tell
/// which frame arrived from the payload alone — an SFU may rewrite SSRC, sequence number and timestamp. The tone
/// sweeps and carries seeded noise so no two frames encode alike; a collision is re-encoded with new noise.
public struct OpusFrameSource: Sendable {
    public let frames: [[UInt8]]
    /// Payload fingerprint → frame slot.
    public let slots: [UInt64: Int]

    public struct EncoderFailure: Error, Sendable, CustomStringConvertible {
        public let code: Int32
        public var description: String { "libopus error \(code)" }
    }

    /// - Parameter count: distinct frames; the sender cycles through them (1500 = 30 s).
    public init(count: Int = 1_500) throws(EncoderFailure) {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(48_000, 1, OPUS_APPLICATION_AUDIO, &error), error == OPUS_OK else {
            throw EncoderFailure(code: error)
        }
        defer { opus_encoder_destroy(encoder) }
        // Cheapest setting: encoding is start-up cost only, quality does not matter.
        _ = parley_opus_encoder_set_complexity(encoder, 0)
        _ = parley_opus_encoder_set_bitrate(encoder, 32_000)
        var frames: [[UInt8]] = []
        var slots: [UInt64: Int] = [:]
        var noise: UInt32 = 0x9E37_79B9
        var phase = 0.0
        var pcm = [Int16](repeating: 0, count: 960)
        var packet = [UInt8](repeating: 0, count: 1_275)
        while frames.count < count {
            let frequency = 300 + Double(frames.count % 200) * 5
            for i in 0..<960 {
                noise = noise &* 1_664_525 &+ 1_013_904_223
                let dither = Double(Int32(truncatingIfNeeded: noise) >> 20)
                pcm[i] = Int16(clamping: Int(sin(phase) * 8_000 + dither))
                phase += 2 * Double.pi * frequency / 48_000
            }
            let length = opus_encode(encoder, pcm, 960, &packet, Int32(packet.count))
            guard length > 0 else { throw EncoderFailure(code: length) }
            let payload = Array(packet[0..<Int(length)])
            let key = Self.fingerprint(payload[...])
            if slots[key] != nil { continue } // same bytes as an earlier frame: encode the next noise instead
            slots[key] = frames.count
            frames.append(payload)
        }
        self.frames = frames
        self.slots = slots
    }

    /// FNV-1a 64 over the payload: cheap per packet, and the frames were chosen so it never collides among them.
    @inline(__always)
    public static func fingerprint(_ payload: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in payload {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }
}
