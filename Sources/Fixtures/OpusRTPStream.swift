import ParleyMedia
import ParleyWire

/// Opus RTP streams (RFC 7587: 48 kHz RTP clock, one 20 ms frame per packet) of a test signal: a steady tone, or a
/// beep (tone on, silence off) whose onsets a receiver can time. Deterministic for a given input.
public enum OpusRTPStream {
    /// What to encode.
    public enum Signal: Sendable, Hashable {
        case tone(frequency: Double)
        /// `frequency` for `onMillis`, then silence for `offMillis`, repeated.
        case beep(frequency: Double, onMillis: Int, offMillis: Int)
    }

    /// The PCM of `signal`: `frames` frames of 960 mono samples.
    public static func pcm(_ signal: Signal, frames: Int, amplitude: Double = 0.5) -> [[Int16]] {
        switch signal {
        case .tone(let frequency):
            var tone = ToneGenerator(frequency: frequency, amplitude: amplitude)
            return (0..<frames).map { _ in tone.nextFrame() }
        case .beep(let frequency, let on, let off):
            var tone = ToneGenerator(frequency: frequency, amplitude: amplitude)
            let period = max(1, on + off)
            return (0..<frames).map { index in
                let frame = tone.nextFrame()
                return (index * 20) % period < on ? frame : [Int16](repeating: 0, count: frame.count)
            }
        }
    }

    /// `seconds` of `signal` as Opus RTP packets on `train`'s timing (20 ms, +960 per packet).
    public static func packets(
        _ signal: Signal, seconds: Double, train: RTPTrain = RTPTrain(ssrc: 0x4F50_5553, payloadType: 111)
    ) throws(OpusError) -> [TimedRTPPacket] {
        let encoder = try OpusEncoder(channels: 1, application: .audio)
        let frames = Int((seconds * 50).rounded())
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(frames)
        for frame in pcm(signal, frames: frames) { payloads.append(try encoder.encode(frame)) }
        var opusTrain = train
        opusTrain.timestampStep = 960
        opusTrain.intervalMicros = 20_000
        return opusTrain.packets(payloads: payloads)
    }
}
