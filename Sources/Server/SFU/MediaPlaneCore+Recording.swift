import ParleyMedia
import ParleyWire

/// Recording captures (docs/recordings.md): the debug capture's writer on one stream path's publisher, so a meeting
/// recording survives a crash the way a capture does (append-only pcap, manifest beside it). Independent of a debug
/// capture of the same path: both may run, fed by one tap (``refreshTap(_:)``).
extension MediaPlaneCore {
    /// Opens `<directory>/<stem>.pcap` and `.json` and taps `path`'s publisher, now or when it opens. A live
    /// publisher is asked for a video keyframe (RFC 4585 §6.3.1 PLI, as for a new player): the post-processor starts
    /// video at a keyframe, and encoders send one only when asked.
    func startRecordingCapture(path: String, directory: String, stem: String, maxBytes: UInt64, now: MediaTime)
        throws(CaptureError) -> CaptureInfo
    {
        guard recordingTaps[path] == nil else { throw .alreadyCapturing(path) }
        let local = candidates.first ?? STUNAddress(ip: IPAddress("127.0.0.1")!, port: 0)
        let writer = try DebugCaptureWriter(
            directory: directory, stem: stem, streamPath: path, trigger: "recording", localAddress: local,
            maxBytes: maxBytes)
        recordingTaps[path] = writer
        if let publisher = publisherByPath[path].flatMap({ sessions[$0] }) {
            attachRecording(publisher, writer)
            requestKeyframe(path: path, now: now)
        }
        logger.info("recording capture started", metadata: ["path": "\(path)", "pcap": "\(writer.pcapPath)"])
        return CaptureInfo(
            streamPath: path, trigger: "recording", pcapPath: writer.pcapPath, manifestPath: writer.manifestPath,
            startedAt: writer.startedAt)
    }

    /// Untaps the path's publisher and forgets the capture; the caller finishes the writer off the loop.
    func stopRecordingCapture(path: String) -> DebugCaptureWriter? {
        guard let writer = recordingTaps.removeValue(forKey: path) else { return nil }
        if let publisher = publisherByPath[path].flatMap({ sessions[$0] }) { refreshTap(publisher) }
        logger.info("recording capture stopped", metadata: ["path": "\(path)"])
        return writer
    }

    func recordingSessionOpened(_ session: SFUSession) {
        guard session.kind == .publisher, let writer = recordingTaps[session.path] else { return }
        attachRecording(session, writer)
    }

    /// The publisher left: its part of the manifest ends now (the recorder stops the capture when the registry
    /// says the stream stopped).
    func recordingSessionClosed(_ session: SFUSession) {
        guard session.kind == .publisher, let writer = recordingTaps[session.path] else { return }
        session.peer.plaintextTap = nil
        writer.detach(session: session.id)
    }

    func attachRecording(_ session: SFUSession, _ writer: DebugCaptureWriter) {
        writer.attach(captureSession(session, clock: writer.clock))
        refreshTap(session)
    }
}
