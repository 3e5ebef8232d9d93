/// A deterministic random number generator (SplitMix64), so fixtures, fuzz-style inputs and corpora are the same
/// on every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` bytes, one per step (the low byte), so a seed names the same byte string everywhere.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// A value in `0..<bound` (`bound` > 0); the modulo bias is irrelevant for test inputs.
    public mutating func int(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
