import Hummingbird

/// Monibuca V6 core HTTP API (being built).
public struct MonibucaCoreFace: APIFace {
    public init() {}
    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {}
}
