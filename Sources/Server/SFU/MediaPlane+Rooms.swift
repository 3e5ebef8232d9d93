import ParleyRooms

/// The plane follows the room registry (RoomEvent: "a kick closes the socket and tears media down through
/// participantLeft, not through calls from a REST handler"), so kick, leave, end and delete over any face end the
/// participant's WHIP/WHEP sessions at once.
extension MediaPlane {
    /// Marks session `id` as opened for `owner`. False when the session is already gone.
    @discardableResult
    public func assign(session id: String, to owner: SessionOwner) async -> Bool {
        (try? await eventLoop.submit { [self] in core.value.assign(id, to: owner) }.get()) ?? false
    }

    /// Ends every session opened for `owner`; returns how many ended.
    @discardableResult
    public func closeSessions(of owner: SessionOwner, reason: String) async -> Int {
        (try? await eventLoop.submit { [self] in
            let closed = core.value.closeSessions(of: owner, now: now(), reason: reason)
            flush()
            return closed
        }.get()) ?? 0
    }

    /// Ends every session on the paths of `room` (`room/{room}/…`); returns how many ended.
    @discardableResult
    public func closeSessions(inRoom room: RoomID, reason: String) async -> Int {
        (try? await eventLoop.submit { [self] in
            let closed = core.value.closeSessions(inRoom: room, now: now(), reason: reason)
            flush()
            return closed
        }.get()) ?? 0
    }

    /// Subscribes to `rooms` before returning (no later event is missed) and applies each event until the plane
    /// shuts down (``shutdown()`` cancels the task).
    func followRooms(_ rooms: any RoomDirectory) async {
        let events = await rooms.events()
        let task = Task { [weak self] in
            for await event in events {
                guard let plane = self else { return }
                await plane.apply(event)
            }
        }
        roomFollower.withLock { $0 = task }
    }

    func apply(_ event: RoomEvent) async {
        switch event {
        case .participantLeft(let room, let user, let reason):
            await closeSessions(of: SessionOwner(room: room, user: user), reason: "participant \(reason)")
        case .ended(let room, _):
            await closeSessions(inRoom: room, reason: "the meeting ended")
        case .roomRemoved(let room, _):
            await closeSessions(inRoom: room, reason: "the room was removed")
        default:
            break
        }
    }

    func stopFollowingRooms() {
        roomFollower.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}
