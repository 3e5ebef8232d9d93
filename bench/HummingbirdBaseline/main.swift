// Baseline for `make bench`: a bare Hummingbird 2 router (no middleware, plain HTTP/1.1 channel) serving
// `GET /api/v1/stats` with Parley's handler steps — the raw `authorization` key compared in constant time, counts
// from the same room registry actor, the ISO timestamp, the same JSON bytes and headers. What Parley spends on top
// of this is its own wiring. Usage: parley-bench-hummingbird PORT (API_KEY_SECRET and BENCH_ROOMS from the environment).
import Foundation
import HTTPTypes
import Hummingbird
import ParleyRooms

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3098 : 3098
let key = Array((ProcessInfo.processInfo.environment["API_KEY_SECRET"] ?? "bench-key").utf8)
let rooms = InMemoryRoomDirectory(policy: RoomPolicy(firstIsPresenter: true, defaultMaxParticipants: 1000))
// As many rooms as Parley holds in the same run, so both count the same registry.
for index in 0..<(Int(ProcessInfo.processInfo.environment["BENCH_ROOMS"] ?? "0") ?? 0) {
    let id = RoomID("bench-" + String(index))!
    _ = try await rooms.createRoom(id, settings: RoomSettings(name: id.rawValue), origin: .rest)
}

func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for (x, y) in zip(a, b) { diff |= x ^ y }
    return diff == 0
}

/// `Date.prototype.toISOString`: UTC, milliseconds, `Z`.
func isoTimestamp(_ date: Date) -> String {
    let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return padded(Int(parts.tm_year) + 1900, 4) + "-" + padded(Int(parts.tm_mon) + 1, 2) + "-"
        + padded(Int(parts.tm_mday), 2) + "T" + padded(Int(parts.tm_hour), 2) + ":" + padded(Int(parts.tm_min), 2)
        + ":" + padded(Int(parts.tm_sec), 2) + "." + padded(Int(milliseconds % 1000), 3) + "Z"
}

func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
    Response(
        status: status,
        headers: [
            .contentType: "application/json; charset=utf-8",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}

let router = Router()
router.get("/api/v1/stats") { request, _ -> Response in
    guard let presented = request.headers[.authorization], constantTimeEquals(Array(presented.utf8), key) else {
        return json(.forbidden, #"{"error":"Unauthorized!"}"#)
    }
    let counts = await rooms.stats()
    return json(
        .ok,
        #"{"success":true,"timestamp":""# + isoTimestamp(Date()) + #"","totalRooms":"#
            + String(counts.rooms) + #","totalUsers":"# + String(counts.participants) + "}")
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
