import ServiceLifecycle

/// Runs the recorder with the server: follows the registry, recovers what a crash left, checks the limits every
/// `interval` and the retention hourly, and on graceful shutdown stops and post-processes every running recording
/// before the media plane and the storage close (it is the last service, so it is shut down first).
public struct RecorderService: Service {
    public let recorder: Recorder
    public let interval: Duration

    public init(recorder: Recorder, interval: Duration = .seconds(1)) {
        self.recorder = recorder
        self.interval = interval
    }

    public func run() async throws {
        await recorder.followRooms()
        await recorder.recoverInterrupted()
        await recorder.pruneExpired()
        let interval = interval
        let recorder = recorder
        try? await cancelWhenGracefulShutdown {
            var elapsed = Duration.zero
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await recorder.enforceLimits()
                elapsed += interval
                if elapsed >= .seconds(3600) {
                    elapsed = .zero
                    await recorder.pruneExpired()
                }
            }
        }
        await recorder.shutdown()
    }
}
