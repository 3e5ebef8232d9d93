import Foundation
import Hummingbird
import ParleyRooms

/// v5's `GET /api/stream/list?pageNum=&pageSize=`: a flat, lowerCamelCase response (`StreamListResponse` of
/// pb/global.proto) with `total`, `pageNum`, `pageSize` and the page in `data`.
extension MonibucaStreams {
    struct V5Track: Encodable {
        let codec: String
    }

    struct V5Stream: Encodable {
        let path: String
        let subscribers: Int
        let startTime: String
        let pluginName = "webrtc"
        let type = "server"
        let videoTrack: Nullable<V5Track>
        let audioTrack: Nullable<V5Track>
    }

    struct V5List: Encodable {
        let code = 0
        let message = "success"
        let total: Int
        let pageNum: Int
        let pageSize: Int
        let data: [V5Stream]
    }

    func v5List(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let pageNum = try Self.positive(query["pageNum"], name: "pageNum") ?? 1
        let streams = await rooms.streams()
        let pageSize = try Self.positive(query["pageSize"], name: "pageSize") ?? max(streams.count, 1)
        let (start, overflow) = (pageNum - 1).multipliedReportingOverflow(by: pageSize)
        let page =
            overflow || start >= streams.count
            ? [] : Array(streams[start..<min(streams.count, start + pageSize)])
        let items = page.map { info in
            let (video, audio) = Self.classify(info.codecs)
            return V5Stream(
                path: info.path.rawValue, subscribers: info.subscribers,
                startTime: Self.timestamp(info.startedAt),
                videoTrack: Nullable(video.map(V5Track.init)),
                audioTrack: Nullable(audio.map(V5Track.init)))
        }
        let list = V5List(total: streams.count, pageNum: pageNum, pageSize: pageSize, data: items)
        return try MonibucaEnvelope.json(
            list,
            status: .ok)
    }

    static func positive(_ text: Substring?, name: String) throws(MonibucaError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), (1...1_000_000).contains(value) else {
            throw .badRequest("\(name) must be an integer from 1 to 1000000")
        }
        return value
    }
}
