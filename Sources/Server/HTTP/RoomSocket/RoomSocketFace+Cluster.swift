import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import ParleyRooms

/// Cluster mode (docs/architecture.md §Cluster relay): a room socket reaching a node that does not own its room is
/// relayed to the owner's `/internal/cluster/room/{room_id}`, which serves it with this same endpoint (one set of
/// room channels per node, whatever door a participant came through).
extension RoomSocketFace {
    func registerRelayedSocket(
        on router: Router<ParleyRequestContext>, endpoint: RoomSocketEndpoint, relay: ClusterRelay
    ) {
        router.ws(
            RouterPath(ClusterRoutes.roomSocketPrefix + "{room_id}"),
            shouldUpgrade: { request, _ in
                // Never reachable without the cluster secret: refused before the upgrade (RFC 6455 §4.2.2 lets
                // the server answer any HTTP status instead of 101).
                try ClusterFace.requireSecret(request, relay: relay)
                return .upgrade([:])
            },
            onUpgrade: { inbound, outbound, context in
                let request = context.request
                let join = Self.joinQuery(request, parameters: context.requestContext.parameters)
                // The participant's own address, so its per-address limits apply to it and not to the relaying node.
                let address = request.headers[ClusterHeaders.clientAddress] ?? context.requestContext.clientAddress
                // One hop only: if the directory has moved the room on since the relaying node asked, the
                // participant reconnects rather than being relayed again.
                if let roomID = join.roomID.flatMap(RoomID.init) {
                    switch try? await relay.routing.route(roomID, placing: false) {
                    case .local?: break
                    case .remote?, nil:
                        return await RoomSocketRelay.finish(
                            .failed("not the room's owner"), outbound: outbound, logger: endpoint.logger)
                    }
                }
                await endpoint.serve(
                    join, address: address, inbound: inbound, outbound: outbound,
                    channel: context.requestContext.connection)
            })
    }
}

extension RoomSocketEndpoint {
    /// Relays the socket when another node owns its room; false when this node serves it. A join that cannot
    /// name a valid room is served here (its refusal is the same on every node).
    func relayed(
        _ join: RoomSocketJoinQuery, request: Request, address: String, relay: ClusterRelay,
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async -> Bool {
        guard let rawRoom = join.roomID, let room = RoomID(rawRoom) else { return false }
        let owner: ClusterPeer
        do {
            guard case .remote(let peer) = try await relay.routing.route(room, placing: true) else { return false }
            owner = peer
        } catch {
            await RoomSocketRelay.finish(
                .failed("room directory: \(error)"), outbound: outbound, logger: logger)
            return true
        }
        guard
            let url = RoomSocketRelay.upstreamURL(
                owner: owner, room: room.rawValue, query: Self.upstreamQuery(join))
        else {
            await RoomSocketRelay.finish(
                .failed("owner \(owner.nodeID) advertises no usable URL"), outbound: outbound, logger: logger)
            return true
        }
        var headers = relay.internalHeaders
        headers[ClusterHeaders.clientAddress] = address
        if let userAgent = join.userAgent { headers[.userAgent] = userAgent }
        await RoomSocketRelay(
            maxMessageBytes: options.maxMessageBytes, connectTimeout: relay.connectTimeout, logger: logger
        ).run(upstream: url, headers: headers, inbound: inbound, outbound: outbound)
        return true
    }

    /// The join's query as the owner reads it; a user id from the Monibuca v5 path form moves into the query.
    static func upstreamQuery(_ join: RoomSocketJoinQuery) -> String {
        let items: [(String, String?)] = [
            ("type", join.type), ("user_id", join.userID), ("name", join.name), ("password", join.password),
            ("token", join.token),
        ]
        return items.compactMap { key, value in value.map { "\(key)=\(Self.percentEncoded($0))" } }
            .joined(separator: "&")
    }

    /// RFC 3986 §2.3: everything but the unreserved characters is percent-encoded.
    static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
