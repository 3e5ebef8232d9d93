import Foundation

/// Sine tones as 16-bit PCM frames, the test signal of media tests: a decoded stream's strongest frequency must be
/// the tone's.
public struct ToneGenerator: Sendable {
    public let frequency: Double
    public let sampleRate: Int
    public let amplitude: Double
    private var phase: Double = 0

    public init(frequency: Double, sampleRate: Int = 48_000, amplitude: Double = 0.5) {
        self.frequency = frequency
        self.sampleRate = sampleRate
        self.amplitude = amplitude
    }

    /// The next `samples` mono samples (20 ms at 48 kHz = 960), continuing the phase across calls.
    public mutating func nextFrame(samples: Int = 960) -> [Int16] {
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        var out = [Int16](repeating: 0, count: samples)
        for i in 0..<samples {
            out[i] = Int16((sin(phase) * amplitude * Double(Int16.max)).rounded())
            phase += step
            if phase > 2 * Double.pi { phase -= 2 * Double.pi }
        }
        return out
    }
}

/// Spectral helpers for checking decoded audio without an FFT library.
public enum ToneAnalysis {
    /// Power of `samples` at `frequency` (Goertzel algorithm).
    public static func power(of samples: [Int16], at frequency: Double, sampleRate: Int = 48_000) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var s1 = 0.0, s2 = 0.0
        for sample in samples {
            let s0 = Double(sample) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }

    /// The strongest frequency among `candidates`.
    public static func strongest(in samples: [Int16], candidates: [Double], sampleRate: Int = 48_000) -> Double? {
        candidates.max {
            power(of: samples, at: $0, sampleRate: sampleRate) < power(of: samples, at: $1, sampleRate: sampleRate)
        }
    }
}
