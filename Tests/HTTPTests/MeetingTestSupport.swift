import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOCore
import ParleyConfig
import ParleyCrypto
import ParleyHTTP
import ParleyRooms
import ParleyStore

/// Set-up for the Meeting REST tests: the Monibuca core face (envelope, JWT) in front of the Meeting face and the
/// MiroTalk face, one registry, a data dir of its own (recordings live there), a logged-in admin token.
struct MeetingFixture: Sendable {
    static let authSecret = "meeting-test-secret"
    static let apiKey = "meeting-api-key"

    let services: ParleyServices
    let rooms: InMemoryRoomDirectory
    let dataDirectory: URL

    var recordingsDirectory: URL { dataDirectory.appendingPathComponent("recordings") }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-meeting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func config(dataDirectory: URL, _ edit: (inout ParleyConfig) -> Void = { _ in }) -> ParleyConfig {
        var config = ParleyConfig()
        config.dataDir = dataDirectory.path
        config.auth.users = [.init(username: "admin", passwordHash: "sha256:" + Digest.hex(.sha256, Array("pw".utf8)))]
        config.api.allowed = .init(
            stats: true, meetings: true, meeting: true, meetingEnd: true, join: true,
            token: true, activeRooms: true)
        edit(&config)
        return config
    }

    /// In-memory SQLite unless `database` is given (restart tests open one on disk).
    static func make(
        dataDirectory: URL? = nil, database: ParleyDatabase? = nil,
        _ edit: (inout ParleyConfig) -> Void = { _ in }
    ) throws -> MeetingFixture {
        let directory = try dataDirectory ?? temporaryDirectory()
        let rooms = InMemoryRoomDirectory()
        let services = ParleyServices(
            config: config(dataDirectory: directory, edit), rooms: rooms, database: try database ?? .inMemory(),
            secrets: ResolvedSecrets(apiKeySecret: apiKey, jwtSecret: "jwt", authSecret: authSecret),
            metrics: ParleyMetrics.registry, logger: Logger(label: "test.meeting"))
        return MeetingFixture(services: services, rooms: rooms, dataDirectory: directory)
    }

    @discardableResult
    func run<Value: Sendable>(_ test: @escaping @Sendable (MeetingClient) async throws -> Value) async throws -> Value {
        let router = ParleyServer.makeRouter(
            services: services,
            faces: [
                MonibucaCoreFace(), MeetingFace(), MiroTalkFace(),
            ])
        let token = try MonibucaJWT(secret: Self.authSecret, lifetime: 3600).issue(username: "admin").token
        return try await Application(router: router).test(.router) { client in
            try await test(MeetingClient(client: client, token: token))
        }
    }
}

/// A decoded answer: status, headers and the JSON body (nil when not JSON).
struct MeetingResponse: @unchecked Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer
    let json: [String: Any]?

    var code: Int? { json?["code"] as? Int }
    var message: String { json?["message"] as? String ?? "" }
    var data: [String: Any] { json?["data"] as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }

    func list(_ key: String) -> [[String: Any]] { data[key] as? [[String: Any]] ?? [] }
}

/// Sends requests with the admin's Bearer token (unless told otherwise).
struct MeetingClient: Sendable {
    let client: any TestClientProtocol
    let token: String

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers extra: HTTPFields = [:],
        authorized: Bool = true
    ) async throws -> MeetingResponse {
        var headers = extra
        if authorized { headers[.authorization] = "Bearer \(token)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: headers,
            body: json.map { ByteBuffer(string: $0) }
        ) { response in
            let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
            return MeetingResponse(
                status: response.status, headers: response.headers, body: response.body,
                json: object as? [String: Any])
        }
    }

    func get(_ uri: String) async throws -> MeetingResponse { try await send(.get, uri) }

    @discardableResult
    func post(_ uri: String, _ json: String) async throws -> MeetingResponse { try await send(.post, uri, json: json) }
}

func meetingRoom(_ raw: String) -> RoomID {
    guard let id = RoomID(raw) else { preconditionFailure("bad test room id \(raw)") }
    return id
}

func meetingUser(_ raw: String) -> UserID {
    guard let id = UserID(raw) else { preconditionFailure("bad test user id \(raw)") }
    return id
}

/// An RFC 3339 time `hours` from now, whole seconds.
func meetingTime(hours: Double) -> String {
    Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + hours * 3600).rounded(.down)).formatted(.iso8601)
}
