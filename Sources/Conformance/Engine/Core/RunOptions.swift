/// Everything `run` was told on the command line that cases may need.
public struct RunOptions: Sendable {
    public var target: String
    public var profiles: [String]
    public var casePatterns: [String]
    public var excludePatterns: [String]
    public var strict: Bool
    public var timeoutScale: Double
    public var retries: Int
    public var insecure: Bool
    public var apiKey: String?
    public var jwtSecret: String?
    public var authSecret: String?
    public var username: String?
    public var password: String?
    public var streamKeys: [String]
    public var origin: String
    public var whipPath: String?
    public var whepPath: String?
    /// `--room-ws`: the target speaks Parley's room WebSocket, so MiroTalk cases may populate live rooms through it.
    public var roomWebSocket: Bool
    /// `--bearer`: a token the target issued, sent as `Authorization: Bearer` on WHIP/WHEP requests.
    public var bearer: String?
    /// `--offline`: no target; only cases with `needsTarget == false` run and nothing is probed.
    public var offline: Bool = false

    public init(
        target: String, profiles: [String] = ["mirotalk"], casePatterns: [String] = [],
        excludePatterns: [String] = [], strict: Bool = false, timeoutScale: Double = 1, retries: Int = 0,
        insecure: Bool = false, apiKey: String? = nil, jwtSecret: String? = nil, authSecret: String? = nil,
        username: String? = nil, password: String? = nil, streamKeys: [String] = [],
        origin: String = "https://conform.example", whipPath: String? = nil, whepPath: String? = nil,
        roomWebSocket: Bool = false
    ) {
        self.target = target
        self.profiles = profiles
        self.casePatterns = casePatterns
        self.excludePatterns = excludePatterns
        self.strict = strict
        self.timeoutScale = timeoutScale
        self.retries = retries
        self.insecure = insecure
        self.apiKey = apiKey
        self.jwtSecret = jwtSecret
        self.authSecret = authSecret
        self.username = username
        self.password = password
        self.streamKeys = streamKeys
        self.origin = origin
        self.whipPath = whipPath
        self.whepPath = whepPath
        self.roomWebSocket = roomWebSocket
    }
}
