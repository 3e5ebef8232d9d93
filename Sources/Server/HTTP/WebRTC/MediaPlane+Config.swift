import Logging
import ParleyConfig
import ParleyRooms
import ParleySFU
import ServiceLifecycle

extension MediaPlane {
    /// Starts the media plane from `webrtc.*`: binds `webrtc.udp_port` on the HTTP listen host (the advertised
    /// address, docs/interop.md §2) and advertises `webrtc.announce`. A server starts its one plane in
    /// ``ParleyServer/makeServices(config:logger:clock:)`` and hands it to the faces in ``ParleyServices/media``.
    public static func start(config: ParleyConfig, rooms: any RoomDirectory, logger: Logger) async throws
        -> MediaPlane
    {
        let host = config.http.listen.host
        let bindHost = host.isEmpty || host == "localhost" ? (host.isEmpty ? "0.0.0.0" : "127.0.0.1") : host
        return try await start(
            configuration: MediaPlaneConfiguration(
                bindHost: bindHost, udpPort: config.webrtc.udpPort,
                announce: config.webrtc.announce,
                limits: limits(config.webrtc),
                capture: captureSettings(config)),
            rooms: rooms, logger: logger)
    }

    /// `capture.*`, with `capture.dir` defaulting under `data_dir`.
    static func captureSettings(_ config: ParleyConfig) -> CaptureSettings {
        CaptureSettings(
            enabled: config.capture.enabled, paths: config.capture.paths,
            directory: config.capture.directory(dataDir: config.dataDir), maxBytes: config.capture.maxByteCount)
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
    }
}
