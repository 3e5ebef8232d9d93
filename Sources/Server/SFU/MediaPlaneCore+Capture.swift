import Foundation
import ParleyMedia
import ParleyWire

/// Debug capture (docs/capture-format.md): a path's sessions get a plaintext tap into the path's capture writer.
/// With no capture open, the only cost on the packet path is `PeerConnection.plaintextTap` being nil.
extension MediaPlaneCore {
    /// At open: remembers what the manifest needs of the offer, and joins a running (or configured) capture.
    func captureSessionOpened(_ session: SFUSession, offer: SessionDescription, accepted: AcceptedOffer) {
        session.captureSections = accepted.tracks.map { track in
            let extmaps =
                offer.media.indices.contains(track.sectionIndex) ? offer.media[track.sectionIndex].extmaps : []
            return CaptureTrackSection(
                kind: track.kind, mid: track.mid,
                offeredExtensions: extmaps.map { CaptureManifest.HeaderExtension(id: $0.id, uri: $0.uri) })
        }
        recordingSessionOpened(session)
        if captures.active[session.path] == nil, captures.settings.capturesAutomatically(session.path) {
            do {
                _ = try startCapture(path: session.path, trigger: "config")
            } catch {
                logger.warning(
                    "debug capture not started", metadata: ["path": "\(session.path)", "error": "\(error)"])
            }
            return // startCapture attached every session of the path, this one included
        }
        if let capture = captures.active[session.path] { attach(session, to: capture.writer) }
    }

    /// At close: the session leaves its capture; a configured capture ends with the path's last session.
    func captureSessionClosed(_ session: SFUSession) {
        recordingSessionClosed(session)
        guard let capture = captures.active[session.path] else { return }
        session.peer.plaintextTap = nil
        capture.writer.detach(session: session.id)
        if capture.trigger == "config", publisherByPath[session.path] == nil,
            subscribersByPath[session.path]?.isEmpty ?? true
        {
            let writer = stopCapture(path: session.path)
            // The last write and close wait for the disk: not on this loop.
            DispatchQueue.global().async { _ = writer?.finish(reason: "the stream path has no sessions left") }
        }
    }

    /// Opens `<capture.dir>/<path>-<UTC time>-<n>.pcap` and `.json` and taps every session of `path`.
    func startCapture(path: String, trigger: String) throws(CaptureError) -> CaptureInfo {
        guard captures.active[path] == nil else { throw .alreadyCapturing(path) }
        guard captures.active.count < captures.settings.maxOpen else { throw .tooMany(captures.settings.maxOpen) }
        captures.serial &+= 1
        let stem = Self.captureStem(path: path, serial: captures.serial)
        let local = candidates.first ?? STUNAddress(ip: IPAddress("127.0.0.1")!, port: 0)
        let writer = try DebugCaptureWriter(
            directory: captures.settings.directory, stem: stem, streamPath: path, trigger: trigger,
            localAddress: local, maxBytes: captures.settings.maxBytes)
        let info = CaptureInfo(
            streamPath: path, trigger: trigger, pcapPath: writer.pcapPath, manifestPath: writer.manifestPath,
            startedAt: writer.startedAt)
        captures.active[path] = CaptureRegistry.ActiveCapture(writer: writer, trigger: trigger, info: info)
        for session in sessions.values where session.path == path { attach(session, to: writer) }
        logger.info("debug capture started", metadata: ["path": "\(path)", "pcap": "\(writer.pcapPath)"])
        return info
    }

    /// Untaps the path's sessions and forgets the capture; the caller finishes the writer off the loop.
    func stopCapture(path: String) -> DebugCaptureWriter? {
        guard let capture = captures.active.removeValue(forKey: path) else { return nil }
        for session in sessions.values where session.path == path { refreshTap(session) }
        logger.info("debug capture stopped", metadata: ["path": "\(path)"])
        return capture.writer
    }

    func attach(_ session: SFUSession, to writer: DebugCaptureWriter) {
        writer.attach(captureSession(session, clock: writer.clock))
        refreshTap(session)
    }

    /// What a capture's manifest says of `session`: its tracks as received (publisher) or sent (player).
    func captureSession(_ session: SFUSession, clock: () -> Int64) -> CaptureManifest.Session {
        let sections = session.captureSections
        let streams: [CaptureManifest.Stream] =
            switch session.kind {
            case .publisher:
                session.publishedTracks.map { track in
                    .init(received: track, section: sections.first { $0.kind == track.kind })
                }
            case .subscriber:
                session.outboundTracks.map { track in
                    .init(sent: track, section: sections.first { $0.kind == track.kind })
                }
            }
        return CaptureManifest.Session(
            sessionID: session.id, kind: session.kind.rawValue,
            attachedAt: DebugCaptureWriter.rfc3339(micros: clock()), streams: streams)
    }

    /// One tap per peer feeds every capture that wants the session: the path's debug capture (all its sessions)
    /// and its recording (the publisher only); none = no tap, the packet path's only cost then.
    func refreshTap(_ session: SFUSession) {
        let debug = captures.active[session.path]?.writer
        let recording = session.kind == .publisher ? recordingTaps[session.path] : nil
        let id = session.id
        switch (debug, recording) {
        case (nil, nil): session.peer.plaintextTap = nil
        case (let debug?, nil): session.peer.plaintextTap = { packet in debug.record(packet, session: id) }
        case (nil, let recording?): session.peer.plaintextTap = { packet in recording.record(packet, session: id) }
        case (let debug?, let recording?):
            session.peer.plaintextTap = { packet in
                debug.record(packet, session: id)
                recording.record(packet, session: id)
            }
        }
    }

    /// A file-name-safe stem: the path with anything but [A-Za-z0-9._-] as '_', then the UTC start and a serial.
    static func captureStem(path: String, serial: UInt64) -> String {
        let safe = String(
            path.unicodeScalars.prefix(80).map { scalar -> Character in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "\(safe)-\(formatter.string(from: Date()))-\(serial)"
    }
}
