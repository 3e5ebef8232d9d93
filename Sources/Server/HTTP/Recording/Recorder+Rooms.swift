import ParleyRooms
import ParleyStore

/// The recorder follows the room registry: a publication that starts while its room (or its path) is recorded
/// joins the recording, one that stops closes its capture, a meeting's end or a room's removal finalises the room's
/// recordings, and a room whose settings say `record_on_start` starts recording at its first join.
extension Recorder {
    /// Subscribes once (before returning, so no later event is missed).
    public func followRooms() async {
        guard following == nil else { return }
        let events = await rooms.events()
        following = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                await self.apply(event)
            }
        }
    }

    func apply(_ event: RoomEvent) async {
        switch event {
        case .streamStarted(let stream):
            guard let captures else { return }
            for (id, running) in active where Self.covers(running.target, stream) {
                await startCapture(recording: id, path: stream.path, captures: captures)
            }
        case .streamStopped(let stream):
            for (id, running) in active where running.capturing[stream.path.rawValue] != nil {
                if case .stream = running.target {
                    _ = try? await stop(id, reason: "the publication ended", by: "server")
                } else {
                    await stopCapture(recording: id, path: stream.path.rawValue)
                }
            }
        case .ended(let room, _):
            autoStarted.remove(room)
            await stopAll(in: room, reason: "the meeting ended")
        case .roomRemoved(let room, _):
            autoStarted.remove(room)
            await stopAll(in: room, reason: "the room was removed")
        case .participantJoined(let room, _):
            await startFromTemplate(room)
        default:
            break
        }
    }

    static func covers(_ target: Target, _ stream: StreamInfo) -> Bool {
        switch target {
        case .room(let room): stream.roomID == room || stream.path.roomScoped?.room == room
        case .stream(let path): stream.path == path
        }
    }

    /// One publication's capture ends (it stopped publishing, or was kicked); the recording goes on.
    func stopCapture(recording id: String, path: String) async {
        guard active[id]?.capturing.removeValue(forKey: path) != nil else { return }
        _ = await captures?.stopRecordingCapture(path: path, reason: "the publication ended")
    }

    func stopAll(in room: RoomID, reason: String) async {
        for (id, running) in active {
            let inRoom: Bool =
                switch running.target {
                case .room(let target): target == room
                case .stream(let path): path.roomScoped?.room == room
                }
            if inRoom { _ = try? await stop(id, reason: reason, by: "server") }
        }
    }

    /// `record_on_start` (a room's template setting): the first join of a meeting starts the room's recording.
    func startFromTemplate(_ room: RoomID) async {
        guard settings.enabled, !autoStarted.contains(room), running(.room(room)) == nil,
            let snapshot = await rooms.room(room), snapshot.settings.recordOnStart
        else { return }
        autoStarted.insert(room)
        do {
            _ = try await start(.room(room), by: "template")
        } catch {
            logger.warning(
                "record_on_start: recording not started", metadata: ["room": "\(room)", "error": "\(error)"])
        }
    }
}
