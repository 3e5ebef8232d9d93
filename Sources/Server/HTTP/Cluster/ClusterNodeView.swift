import Foundation
import NIOCore
import ParleyJSON
import ParleyRooms

/// One node's own share of the service, as `GET /internal/cluster/view` answers it: its live rooms and streams,
/// and its streams as its `/api/streams` renders them (only that node measures its media).
struct ClusterNodeView: Sendable {
    /// A view larger than this is refused: 16 MiB is thousands of rooms.
    static let maxBytes = 16 << 20

    var nodeID: String
    var rooms: [RoomSnapshot]
    var streams: [StreamInfo]
    var streamSummaries: [JSONValue]

    private struct Wire<Summaries: Encodable>: Encodable {
        let node_id: String
        let rooms: [RoomSnapshot]
        let streams: [StreamInfo]
        let stream_summaries: Summaries
    }

    private struct Head: Decodable {
        let node_id: String
        let rooms: [RoomSnapshot]
        let streams: [StreamInfo]
    }

    static func encode(
        nodeID: String, rooms: [RoomSnapshot], streams: [StreamInfo], summaries: some Encodable
    ) throws -> ByteBuffer {
        let data = try JSONEncoder().encode(
            Wire(node_id: nodeID, rooms: rooms, streams: streams, stream_summaries: summaries))
        return ByteBuffer(bytes: data)
    }

    static func decode(_ bytes: [UInt8]) throws -> ClusterNodeView {
        let head = try JSONDecoder().decode(Head.self, from: Data(bytes))
        let whole = try JSONValue.parse(
            bytes, limits: JSONLimits(maxBytes: maxBytes, maxDepth: 64, maxMembers: 1_000, maxElements: 100_000))
        return ClusterNodeView(
            nodeID: head.node_id, rooms: head.rooms, streams: head.streams,
            streamSummaries: whole["stream_summaries"]?.arrayValue ?? [])
    }
}
