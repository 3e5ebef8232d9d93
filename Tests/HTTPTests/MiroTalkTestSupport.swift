import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import ParleyConfig
import ParleyHTTP
import ParleyRooms
import ParleyStore

/// Set-up for the MiroTalk face tests: a router with only that face, a registry the test drives, fixed secrets.
enum MiroTalkFixture {
    static let key = "test-api-key"
    static let jwtSecret = "test-jwt-secret"
    static let disabled =
        "This endpoint has been disabled. Please contact the administrator for further information."

    /// Every endpoint switched on (MiroTalk's defaults leave /meetings, DELETE, /token and /activeRooms off).
    static var allOn: ParleyConfig {
        var config = ParleyConfig()
        config.api.allowed = .init(
            stats: true, meetings: true, meeting: true, meetingEnd: true, join: true,
            token: true, activeRooms: true)
        return config
    }

    static func app(config: ParleyConfig = allOn, rooms: InMemoryRoomDirectory = InMemoryRoomDirectory())
        throws -> some ApplicationProtocol
    {
        let services = try TestServices.make(config: config, rooms: rooms)
        return Application(router: ParleyServer.makeRouter(services: services, faces: [MiroTalkFace()]))
    }

    static var auth: HTTPFields { [.authorization: key] }
    static var json: HTTPFields { [.authorization: key, .contentType: "application/json"] }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

func mtRoom(_ raw: String) -> RoomID {
    guard let id = RoomID(raw) else { preconditionFailure("bad test room id \(raw)") }
    return id
}

func mtUser(_ raw: String) -> UserID {
    guard let id = UserID(raw) else { preconditionFailure("bad test user id \(raw)") }
    return id
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

/// A MiroTalk peer as the room WebSocket will register it: name, OS, browser and media from `peer_info`.
func mirotalkPeer(
    _ user: String, name: String, presenter: Bool = false, audio: Bool = false, video: Bool = false,
    screen: Bool = false, hand: Bool = false, os: String = "", browser: String = ""
) -> JoinRequest {
    JoinRequest(
        userID: mtUser(user), name: name, os: os, browser: browser,
        media: MediaFlags(audio: audio, video: video, screen: screen, hand: hand), asPresenter: presenter)
}
