import Dispatch
import ParleyWire

/// Debug captures from the HTTP side (`POST`/`DELETE /api/capture/{path}`, docs/capture-format.md).
extension MediaPlane {
    /// Starts capturing `path`: its sessions now and any that open until ``stopCapture(path:)``.
    public func startCapture(path: String) async throws(CaptureError) -> CaptureInfo {
        try await onLoop { [self] () throws(CaptureError) in try core.value.startCapture(path: path, trigger: "api") }
    }

    /// Runs `start` on the plane's event loop (it owns the core), returning its capture or its error; a plane
    /// already shut down is a storage error.
    func onLoop(_ start: @escaping @Sendable () throws(CaptureError) -> CaptureInfo) async throws(CaptureError)
        -> CaptureInfo
    {
        let result: Result<CaptureInfo, CaptureError>
        do {
            result = try await eventLoop.submit {
                do throws(CaptureError) {
                    return .success(try start())
                } catch {
                    return .failure(error)
                }
            }.get()
        } catch {
            throw .storage("the media plane is shut down")
        }
        return try result.get()
    }

    /// Stops the capture of `path` and returns its final manifest (written and closed before this returns).
    public func stopCapture(path: String) async throws(CaptureError) -> CaptureManifest {
        let writer = try? await eventLoop.submit { [self] in core.value.stopCapture(path: path) }.get()
        guard let writer = writer ?? nil else { throw .notCapturing(path) }
        return await finishOffLoop(writer, reason: "stopped by the API")
    }

    /// The running captures.
    public func captures() async -> [CaptureInfo] {
        (try? await eventLoop.submit { [self] in
            core.value.captures.active.values.map(\.info).sorted { $0.streamPath < $1.streamPath }
        }.get()) ?? []
    }

    func stopAllCaptures(reason: String) async {
        let writers =
            (try? await eventLoop.submit { [self] in
                Array(core.value.captures.active.keys).compactMap { core.value.stopCapture(path: $0) }
            }.get()) ?? []
        for writer in writers { _ = await finishOffLoop(writer, reason: reason) }
    }

    /// `finish` blocks on the disk: run it on a global queue, not on a cooperative task thread.
    func finishOffLoop(_ writer: DebugCaptureWriter, reason: String) async -> CaptureManifest {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: writer.finish(reason: reason)) }
        }
    }
}

/// Recording captures from the recorder (docs/recordings.md): one per recorded publication.
extension MediaPlane {
    /// Starts writing `path`'s publisher (now, or once it publishes) to `<directory>/<stem>.pcap` + `.json`.
    public func startRecordingCapture(path: String, directory: String, stem: String, maxBytes: UInt64)
        async throws(CaptureError) -> CaptureInfo
    {
        try await onLoop { [self] () throws(CaptureError) in
            let info = try core.value.startRecordingCapture(
                path: path, directory: directory, stem: stem, maxBytes: maxBytes, now: now())
            flush() // the keyframe request goes out now
            return info
        }
    }

    /// Stops `path`'s recording capture and returns its final manifest (both files closed), nil when none ran.
    public func stopRecordingCapture(path: String, reason: String) async -> CaptureManifest? {
        let writer = try? await eventLoop.submit { [self] in core.value.stopRecordingCapture(path: path) }.get()
        guard let writer = writer ?? nil else { return nil }
        return await finishOffLoop(writer, reason: reason)
    }

    /// The paths with a recording capture open.
    public func recordingCapturePaths() async -> [String] {
        (try? await eventLoop.submit { [self] in Array(core.value.recordingTaps.keys) }.get()) ?? []
    }

    func stopAllRecordingCaptures(reason: String) async {
        let writers =
            (try? await eventLoop.submit { [self] in
                Array(core.value.recordingTaps.keys).compactMap { core.value.stopRecordingCapture(path: $0) }
            }.get()) ?? []
        for writer in writers { _ = await finishOffLoop(writer, reason: reason) }
    }
}
