import ParleyRooms

/// `record.start` / `record.stop` (a presenter's): the room's recording through the shared recorder; everyone then
/// hears the `record` event (RoomSocketEndpoint registers the broadcast).
extension RoomSocketSession {
    func record(_ parsed: ParsedAction, start: Bool) async {
        guard let recorder else {
            queue.send(
                RoomSocketEnvelope.error("recording_unavailable", "This server does not record.", replyTo: parsed.id))
            return
        }
        do throws(RecorderError) {
            if start {
                _ = try await recorder.start(.room(room), by: me.rawValue)
            } else {
                guard let running = await recorder.running(.room(room)) else {
                    throw .notRecording(state: "none")
                }
                _ = try await recorder.stop(running.id, reason: "stopped by \(me.rawValue)", by: me.rawValue)
            }
            if let id = parsed.id {
                queue.send(RoomSocketEnvelope.encode("ack", RoomSocketWire.Ack(action: parsed.name), replyTo: id))
            }
        } catch {
            queue.send(RoomSocketEnvelope.error(Self.code(error), error.description, replyTo: parsed.id))
        }
    }

    static func code(_ error: RecorderError) -> String {
        switch error {
        case .disabled: "recording_disabled"
        case .unavailable: "recording_unavailable"
        case .alreadyRecording: "already_recording"
        case .notRecording: "not_recording"
        case .roomNotFound, .noPublisher, .notFound: "not_found"
        case .storage: "recording_failed"
        }
    }
}

extension RoomSocketWire {
    /// The `record` event: the room's recording changed state (`recording`, `processing`, `ready`, `failed`).
    struct Record: Encodable {
        let state: String
        let by: String
        let recording_id: String
    }
}
