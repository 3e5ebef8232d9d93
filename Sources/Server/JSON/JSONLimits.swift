/// Bounds on what one parse may build, so a request costs at most what its size pays for: the parse is linear in
/// the input, and these cap the memory and stack a hostile document can claim. Crossing one is a
/// ``JSONParseError`` whose reason names the limit, so each face can answer its own 4xx.
public struct JSONLimits: Sendable, Equatable {
    /// Input size in bytes.
    public var maxBytes: Int
    /// Nesting of arrays and objects (the parser recurses once per level).
    public var maxDepth: Int
    /// Members of one object (repeated keys count each time: each costs a parse).
    public var maxMembers: Int
    /// Elements of one array.
    public var maxElements: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxMembers: Int = 1_000, maxElements: Int = 10_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxMembers = maxMembers
        self.maxElements = maxElements
    }

    /// Request bodies and frames: 1 MiB, 64 levels, 1,000 members, 10,000 elements. Far beyond any body the APIs
    /// define, far below what would hurt.
    public static let standard = JSONLimits()
}
