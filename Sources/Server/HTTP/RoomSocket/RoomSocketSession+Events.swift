import Foundation
import ParleyRooms

/// Registry events → socket events. REST and other faces reach this socket only through here, so every
/// moderation they do is announced before the close it causes.
extension RoomSocketSession {
    func apply(_ event: RoomEvent) async {
        guard !membershipOver, event.roomID == room else { return }
        guard synced else {
            // Everything up to my own admission is already in the `joined` snapshot.
            if case .participantJoined(_, let participant) = event, participant == admittedParticipant {
                synced = true
            }
            return
        }
        switch event {
        case .participantJoined(_, let participant):
            participants[participant.userID] = channel.participantViews.intern(participant)
            send("userjoin", for: event, RoomSocketWire.Participant(participant))
        case .participantLeft(_, let user, let reason):
            participants[user] = nil
            channel.participantViews.forget(user)
            if user == me {
                await removedFromRegistry(reason)
            } else {
                send("userleave", for: event, Self.userLeave(user, reason))
            }
        case .participantUpdated(_, let participant):
            let previous = participants[participant.userID]?.participant
            participants[participant.userID] = channel.participantViews.intern(participant)
            if previous?.media.hand != participant.media.hand {
                send(
                    "hand", for: event,
                    RoomSocketWire.Hand(user_id: participant.userID.rawValue, raised: participant.media.hand))
            }
            var withoutHand = participant
            withoutHand.media.hand = previous?.media.hand ?? participant.media.hand
            if previous != withoutHand {
                send("participant", for: event, RoomSocketWire.Participant(participant))
            }
        case .chatMuteChanged(_, let user, let muted, let by):
            if var participant = participants[user]?.participant {
                participant.chatMuted = muted
                participants[user] = channel.participantViews.intern(participant)
            }
            send(
                "control", for: event,
                RoomSocketWire.ChatMuteControl(
                    user_id: user.rawValue, muted: muted,
                    by: RoomSocketWire.describe(by)))
        case .locked(_, let by):
            send("locked", for: event, RoomSocketWire.ByModerator(by: RoomSocketWire.describe(by)))
        case .unlocked(_, let by):
            send("unlocked", for: event, RoomSocketWire.ByModerator(by: RoomSocketWire.describe(by)))
        case .ended(_, let by):
            send("ended", for: event, RoomSocketWire.ByModerator(by: RoomSocketWire.describe(by)))
        case .streamStarted(let stream):
            send("publish", for: event, RoomSocketWire.Stream(stream))
        case .streamStopped(let stream):
            send("unpublish", for: event, RoomSocketWire.Unpublish(stream))
        case .roomRemoved:
            await endMembership(leave: nil)
            queue.close(.roomEnded, reason: "room removed")
        case .roomCreated, .settingsChanged, .subscriberCountChanged:
            break
        }
    }

    /// The registry took me out (kick, end, or another face): say so, then close.
    private func removedFromRegistry(_ reason: LeaveReason) async {
        let code: RoomSocketCloseCode
        switch reason {
        case .kicked(let by):
            send("control", RoomSocketWire.KickControl(user_id: me.rawValue, by: RoomSocketWire.describe(by)))
            code = .kicked
        case .ended:
            code = .roomEnded
        case .left, .dropped:
            queue.send(RoomSocketEnvelope.error("removed", "You were removed from the room."))
            code = .removed
        }
        await endMembership(leave: nil)
        queue.close(code, reason: Self.leaveReasonName(reason))
    }

    private func send(_ event: String, _ data: some Encodable) {
        queue.send(RoomSocketEnvelope.encode(event, data))
    }

    /// A frame that depends only on the registry event: encoded once for the room, by whichever member's session
    /// gets there first.
    private func send(_ name: String, for event: RoomEvent, _ data: @autoclosure () -> some Encodable) {
        queue.send(channel.eventFrames.frame(name, for: event) { RoomSocketEnvelope.encode(name, data()) })
    }

    static func leaveReasonName(_ reason: LeaveReason) -> String {
        switch reason {
        case .left: "left"
        case .dropped: "dropped"
        case .kicked: "kicked"
        case .ended: "ended"
        }
    }

    static func userLeave(_ user: UserID, _ reason: LeaveReason) -> RoomSocketWire.UserLeave {
        var by: String?
        switch reason {
        case .kicked(let moderator), .ended(let moderator): by = RoomSocketWire.describe(moderator)
        case .left, .dropped: by = nil
        }
        return RoomSocketWire.UserLeave(user_id: user.rawValue, reason: leaveReasonName(reason), by: by)
    }
}
