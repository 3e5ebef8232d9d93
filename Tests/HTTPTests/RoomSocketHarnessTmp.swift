// TEMPORARY (deleted before hand-off): serves the server with RoomSocketFace for the Python interop tests until
// the lead wires the face into ParleyServer.defaultFaces.
import Foundation
import Logging
import ParleyConfig
import ParleyHTTP
import Testing

@Suite struct RoomSocketHarnessTmp {
    @Test("harness", .enabled(if: ProcessInfo.processInfo.environment["ROOMWS_HARNESS_LISTEN"] != nil))
    func serve() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = try ConfigLoader.load(file: nil, environment: env, overrides: [
            "http.listen": env["ROOMWS_HARNESS_LISTEN"]!, "data_dir": env["ROOMWS_HARNESS_DIR"]!])
        let services = try ParleyServer.makeServices(config: config, logger: Logger(label: "harness"))
        let app = ParleyServer.makeApplication(
            services: services, faces: ParleyServer.defaultFaces.contains { $0 is RoomSocketFace } ? ParleyServer.defaultFaces : ParleyServer.defaultFaces + [RoomSocketFace()], tls: nil)
        try await app.runService()
    }
}
