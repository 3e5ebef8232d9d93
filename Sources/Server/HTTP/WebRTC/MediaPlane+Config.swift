import Logging
import ParleyConfig
import ParleyRooms
import ParleySFU
import ServiceLifecycle
import Synchronization

extension MediaPlane {
    /// Starts the media plane from `webrtc.*`: binds `webrtc.udp_port` on the HTTP listen host (the advertised
    /// address, docs/interop.md §2) and advertises `webrtc.announce`. The plane also becomes the one a
    /// `WebRTCFace()` without an explicit plane uses.
    public static func start(config: ParleyConfig, rooms: any RoomDirectory, logger: Logger) async throws
        -> MediaPlane
    {
        let host = config.http.listen.host
        let bindHost = host.isEmpty || host == "localhost" ? (host.isEmpty ? "0.0.0.0" : "127.0.0.1") : host
        let plane = try await start(
            configuration: MediaPlaneConfiguration(
                bindHost: bindHost, udpPort: config.webrtc.udpPort,
                announce: config.webrtc.announce,
                limits: limits(config.webrtc)),
            rooms: rooms, logger: logger)
        MediaPlaneSlot.shared.install(plane)
        return plane
    }

    /// The `webrtc.max_*` caps and `webrtc.connect_timeout`.
    static func limits(_ webrtc: ParleyConfig.WebRTC) -> MediaPlaneLimits {
        MediaPlaneLimits(
            maxUnconnectedPerAddress: webrtc.maxUnconnectedPerAddress,
            maxUnconnected: webrtc.maxUnconnected, maxSessionsPerPath: webrtc.maxSessionsPerPath,
            connectTimeout: .seconds(webrtc.connectTimeout))
    }
}

/// Runs as a ServiceLifecycle service: on graceful shutdown every session gets close_notify and the port closes.
public struct MediaPlaneService: Service {
    public let plane: MediaPlane

    public init(plane: MediaPlane) { self.plane = plane }

    public func run() async throws {
        try? await gracefulShutdown()
        await plane.shutdown()
        MediaPlaneSlot.shared.remove(plane)
    }
}

/// Where `WebRTCFace()` finds the process's media plane; when none was started explicitly, the first WHIP/WHEP
/// request starts one from the services' configuration.
public final class MediaPlaneSlot: Sendable {
    public static let shared = MediaPlaneSlot()
    let state = Mutex<MediaPlane?>(nil)
    let starting = StartGate()

    public func install(_ plane: MediaPlane) { state.withLock { $0 = plane } }

    func remove(_ plane: MediaPlane) { state.withLock { if $0 === plane { $0 = nil } } }

    public var current: MediaPlane? { state.withLock { $0 } }

    func plane(services: ParleyServices) async throws -> MediaPlane {
        if let plane = current { return plane }
        return try await starting.run {
            if let plane = self.current { return plane }
            return try await MediaPlane.start(config: services.config, rooms: services.rooms, logger: services.logger)
        }
    }

    /// Serialises lazy starts so two first requests do not both bind the port.
    actor StartGate {
        func run(_ body: @Sendable () async throws -> MediaPlane) async throws -> MediaPlane { try await body() }
    }
}
