extension Array where Element: Equatable {
    /// Whether `subsequence` occurs contiguously (e.g. a key's bytes inside a PEM or a datagram).
    public func contains(subsequence: [Element]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
