import AsyncHTTPClient
import HTTPTypes
import ParleyCrypto

/// The node-to-node side of a clustered server: the room directory's answers, the shared secret that authenticates
/// every internal request, and one HTTP client for forwarded requests and service-wide reads. Nil in
/// ``ParleyServices`` when `cluster.database_url` is unset: then no relay code runs.
public struct ClusterRelay: Sendable {
    public let routing: any ClusterRouting
    let secret: String
    let http: HTTPClient
    /// A peer that has not answered a service-wide read by then is left out of it.
    public var viewTimeout: Duration
    /// A forwarded moderation request the owner has not answered by then fails with 504.
    public var forwardTimeout: Duration
    /// A relayed room socket whose owner has not accepted the upgrade by then is closed (4105).
    public var connectTimeout: Duration

    public init(
        routing: any ClusterRouting, secret: String, http: HTTPClient = .shared,
        viewTimeout: Duration = .seconds(2), forwardTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5)
    ) {
        self.routing = routing
        self.secret = secret
        self.http = http
        self.viewTimeout = viewTimeout
        self.forwardTimeout = forwardTimeout
        self.connectTimeout = connectTimeout
    }

    /// True when the request carries this cluster's secret (constant-time; an empty secret authorizes nothing).
    func authorizes(_ headers: HTTPFields) -> Bool {
        guard !secret.isEmpty, let presented = headers[ClusterHeaders.secret] else { return false }
        return ConstantTime.equals(presented, secret)
    }

    /// The headers every request to another node carries.
    var internalHeaders: HTTPFields {
        [ClusterHeaders.secret: secret, ClusterHeaders.hop: routing.nodeID]
    }
}

/// Header names of node-to-node requests.
enum ClusterHeaders {
    /// The cluster secret (`cluster.secret`); without it every `/internal/cluster/` route answers 401.
    static let secret = HTTPField.Name("X-Parley-Cluster-Secret")!
    /// The node a request was relayed or forwarded from. A request carrying it is served where it lands, never
    /// forwarded again (one hop, no loops); it must come with the secret.
    static let hop = HTTPField.Name("X-Parley-Cluster-Hop")!
    /// The participant's own address, so the owner applies its per-address limits to the participant, not to the
    /// relaying node.
    static let clientAddress = HTTPField.Name("X-Parley-Client-Address")!
}
