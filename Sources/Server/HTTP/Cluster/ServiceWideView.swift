import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ParleyJSON
import ParleyRooms
import ParleyTime

/// The registry as the whole service sees it, for the REST reads that must answer the same on every node
/// (`/api/v1/stats`, `/api/v1/meetings`, `/api/v1/activeRooms`, `/meeting/api/rooms`, `/meeting/api/stats`,
/// `/api/streams`). Without a cluster it is the local registry, unchanged. In a cluster, this node's rooms and
/// streams are merged with every live peer's (`GET /internal/cluster/view`, asked concurrently, each bounded by
/// ``ClusterRelay/viewTimeout``); a peer that fails or is late is left out rather than failing the read.
struct ServiceWideView: Sendable {
    let rooms: any RoomDirectory
    let relay: ClusterRelay?
    let logger: Logger

    init(services: ParleyServices) {
        self.rooms = services.rooms
        self.relay = services.relay
        self.logger = services.logger
    }

    /// Live rooms of the whole service, in creation order.
    func allRooms() async -> [RoomSnapshot] {
        guard let relay else { return await rooms.rooms() }
        let views = await peerViews(relay)
        return Self.merge(local: await rooms.rooms(), remote: views.map(\.rooms))
    }

    /// Counts over the whole service.
    func stats() async -> RegistryStats {
        guard let relay else { return await rooms.stats() }
        let views = await peerViews(relay)
        let merged = Self.merge(local: await rooms.rooms(), remote: views.map(\.rooms))
        var streams = await rooms.streams()
        for view in views { streams += view.streams }
        return Self.stats(rooms: merged, streams: streams)
    }

    /// Every peer's stream summaries as that peer renders them (it alone measures its media), as JSON.
    func peerStreamSummaries() async -> [JSONValue] {
        guard let relay else { return [] }
        return await peerViews(relay).flatMap(\.streamSummaries)
    }

    /// One room id, one entry: a room seen on several nodes (a stored room restored on each) is reported once, as
    /// the node with the most participants sees it (its owner: other nodes hold no participants of it).
    static func merge(local: [RoomSnapshot], remote: [[RoomSnapshot]]) -> [RoomSnapshot] {
        var byID: [RoomID: RoomSnapshot] = [:]
        for room in local + remote.flatMap({ $0 }) {
            if let seen = byID[room.id],
                seen.participants.count > room.participants.count
                    || (seen.participants.count == room.participants.count && seen.streams.count >= room.streams.count)
            {
                continue
            }
            byID[room.id] = room
        }
        return byID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    static func stats(rooms: [RoomSnapshot], streams: [StreamInfo]) -> RegistryStats {
        RegistryStats(
            rooms: rooms.count, participants: rooms.reduce(0) { $0 + $1.participants.count },
            publishers: streams.count, subscribers: streams.reduce(0) { $0 + $1.subscribers },
            lockedRooms: rooms.filter(\.locked).count)
    }

    /// What each live peer answered in time.
    func peerViews(_ relay: ClusterRelay) async -> [ClusterNodeView] {
        let peers: [ClusterPeer]
        do {
            peers = try await relay.routing.peers()
        } catch {
            logger.notice("service-wide view: node list unavailable", metadata: ["error": "\(error)"])
            return []
        }
        return await withTaskGroup(of: ClusterNodeView?.self) { group in
            for peer in peers {
                group.addTask { await fetchView(of: peer, relay: relay) }
            }
            var views: [ClusterNodeView] = []
            for await view in group {
                if let view { views.append(view) }
            }
            return views
        }
    }

    func fetchView(of peer: ClusterPeer, relay: ClusterRelay) async -> ClusterNodeView? {
        var request = HTTPClientRequest(url: ClusterRoutes.url(peer, path: ClusterRoutes.view))
        for field in relay.internalHeaders { request.headers.add(name: field.name.rawName, value: field.value) }
        do {
            let timeout = TimeAmount.milliseconds(Int64(relay.viewTimeout.inSeconds * 1000))
            let response = try await relay.http.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: ClusterNodeView.maxBytes)
            guard response.status == .ok else {
                logger.notice(
                    "service-wide view: peer refused",
                    metadata: ["node": "\(peer.nodeID)", "status": "\(response.status.code)"])
                return nil
            }
            return try ClusterNodeView.decode(Array(buffer: body))
        } catch {
            logger.notice(
                "service-wide view: peer left out", metadata: ["node": "\(peer.nodeID)", "error": "\(error)"])
            return nil
        }
    }
}
