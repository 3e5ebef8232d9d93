import Fixtures
import ParleyMedia
import Testing

@Suite("libopus")
struct OpusCodecTests {
    @Test("Opus encodes and decodes 20 ms at 48 kHz")
    func sineRoundTrip() throws {
        let encoder = try ParleyMedia.OpusEncoder(channels: 1, application: .audio, bitrate: 64_000)
        let decoder = try ParleyMedia.OpusDecoder(channels: 1)
        var tone = ToneGenerator(frequency: 440, amplitude: 0.5)
        var original: [Int16] = []
        var decoded: [Int16] = []
        for _ in 0..<10 {
            let frame = tone.nextFrame(samples: 960)
            let packet = try encoder.encode(frame)
            #expect(!packet.isEmpty && packet.count < 400, "one 20 ms packet at 64 kb/s is ~160 bytes")
            let pcm = try decoder.decode(packet)
            #expect(pcm.count == 960)
            original += frame
            decoded += pcm
        }
        // Compare the last 100 ms, past the codec's start-up; the decoder lags by its look-ahead.
        let window = Array(original.suffix(4800))
        let bestCorrelation = bestLaggedCorrelation(reference: window, signal: decoded, maximumLag: 960)
        #expect(bestCorrelation > 0.9, "decoded audio follows the tone (best correlation \(bestCorrelation))")
        let ratio = energy(Array(decoded.suffix(4800))) / energy(window)
        #expect(ratio > 0.5 && ratio < 2, "energy is preserved (ratio \(ratio))")
        #expect(ToneAnalysis.strongest(in: Array(decoded.suffix(4800)), candidates: [220, 440, 880, 1000]) == 440)
    }

    @Test("stereo frames decode to 2 × 960 interleaved samples, and loss concealment gives 20 ms")
    func stereoAndConcealment() throws {
        let encoder = try ParleyMedia.OpusEncoder(channels: 2)
        let decoder = try ParleyMedia.OpusDecoder(channels: 2)
        var tone = ToneGenerator(frequency: 1000)
        let mono = tone.nextFrame(samples: 960)
        let stereo = mono.flatMap { [$0, $0] }
        #expect(try decoder.decode(encoder.encode(stereo)).count == 1920)
        #expect(try decoder.decode(nil).count == 1920)
    }

    @Test("wrong frame sizes and corrupt packets throw instead of trapping")
    func badInputsThrow() throws {
        let encoder = try ParleyMedia.OpusEncoder(channels: 1)
        let decoder = try ParleyMedia.OpusDecoder(channels: 1)
        #expect(throws: OpusError.self) { try encoder.encode([Int16](repeating: 0, count: 100)) }
        #expect(throws: OpusError.self) { try ParleyMedia.OpusEncoder(channels: 3) }
        // TOC code 3 (arbitrary frame count) with a frame-count byte of 0 is invalid (RFC 6716 §3.2.5).
        #expect(throws: OpusError.self) { try decoder.decode([0x03, 0x00]) }
        var random = SystemRandomNumberGenerator()
        for length in 1..<100 {
            _ = try? decoder.decode((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }
}

func energy(_ samples: [Int16]) -> Double {
    samples.reduce(0) { $0 + Double($1) * Double($1) }
}

/// The largest normalized cross-correlation between `reference` and the same-length stretch of `signal` that
/// ends `lag` samples before its end, over lags 0...maximumLag (the decoder's output lags by its look-ahead).
func bestLaggedCorrelation(reference: [Int16], signal: [Int16], maximumLag: Int) -> Double {
    let n = reference.count
    guard signal.count >= n + maximumLag else { return 0 }
    let referenceEnergy = energy(reference)
    return reference.withUnsafeBufferPointer { r in
        signal.withUnsafeBufferPointer { s in
            var best = 0.0
            for lag in 0...maximumLag {
                let start = s.count - lag - n
                var dot = 0.0, signalEnergy = 0.0
                for i in 0..<n {
                    let x = Double(s[start + i])
                    dot += Double(r[i]) * x
                    signalEnergy += x * x
                }
                let norm = (referenceEnergy * signalEnergy).squareRoot()
                if norm > 0 { best = max(best, dot / norm) }
            }
            return best
        }
    }
}
