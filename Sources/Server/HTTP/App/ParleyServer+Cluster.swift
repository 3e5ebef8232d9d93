import Foundation
import ParleyCluster
import ParleyConfig

extension ParleyServer {
    /// This node's id (`cluster.node_id`, default the host name and the HTTP port) and the base URL others reach
    /// it at (`cluster.advertise_url`, default `http://` + the listen host, or the host name when listening on every
    /// interface, + the port).
    static func nodeIdentity(_ config: ParleyConfig) -> (node: NodeID, advertiseURL: String) {
        let hostname = ProcessInfo.processInfo.hostName
        let listen = config.http.listen
        let host = listen.host.isEmpty || listen.host == "0.0.0.0" || listen.host == "::" ? hostname : listen.host
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return (NodeID("\(hostname)-\(listen.port)"), "http://\(bracketed):\(listen.port)")
    }
}
