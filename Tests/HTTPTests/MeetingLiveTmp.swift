import Foundation
import Hummingbird
import ParleyHTTP
import Testing

@Test("tmp live meeting server", .enabled(if: ProcessInfo.processInfo.environment["MEETING_LIVE_PORT"] != nil))
func tmpLiveMeetingServer() async throws {
    let port = Int(ProcessInfo.processInfo.environment["MEETING_LIVE_PORT"] ?? "") ?? 18080
    let fixture = try MeetingFixture.make()
    let router = ParleyServer.makeRouter(services: fixture.services, faces: [
        MonibucaCoreFace(), MeetingFace(), MiroTalkFace(),
    ])
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
}
