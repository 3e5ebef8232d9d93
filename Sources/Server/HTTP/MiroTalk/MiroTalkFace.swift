import Hummingbird

/// MiroTalk SFU REST API v1 (being built).
public struct MiroTalkFace: APIFace {
    public init() {}
    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {}
}
