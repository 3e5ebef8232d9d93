import Foundation
import ParleyRooms
import ParleyTime

/// The sockets of one room on this node, and what only sockets share: chat, transcript and the agenda.
///
/// One actor per room, so rooms never wait on each other. Each fan-out happens inside one actor call, which puts
/// every message into every member's queue in the same order: all members see the same sequence.
actor RoomChannel {
    let id: RoomID
    /// The server's clock: agenda times, and the sessions' idle and rate-limit intervals.
    let clock: any ServerClock
    /// Registry events' frames, shared by the members' sessions (each handles the events on its own).
    let eventFrames = RoomEventFrames()
    /// The participants the sessions' views hold, one shared copy each.
    let participantViews = RoomParticipantViews()
    /// Members in join order with their queues: a broadcast walks this, with no lookup per member.
    private var order: [(user: UserID, queue: OutboundQueue)] = []
    private var members: [UserID: OutboundQueue] = [:]
    private var agenda: RoomAgenda
    private var chatSequence = 0
    private var transcriptSequence = 0

    init(id: RoomID, clock: any ServerClock) {
        self.id = id
        self.clock = clock
        self.agenda = RoomAgenda(now: clock.now)
    }

    func add(_ user: UserID, queue: OutboundQueue) {
        if members.updateValue(queue, forKey: user) == nil {
            order.append((user, queue))
        } else if let index = order.firstIndex(where: { $0.user == user }) {
            order[index].queue = queue
        }
    }

    func remove(_ user: UserID) {
        guard members.removeValue(forKey: user) != nil else { return }
        order.removeAll { $0.user == user }
    }

    func contains(_ user: UserID) -> Bool { members[user] != nil }

    var agendaState: RoomAgenda.State { agenda.state(now: clock.now) }

    /// Sends one message to every member, in join order, encoded once for all of them.
    func broadcast(_ text: String) {
        broadcast(RoomSocketFrame(text))
    }

    private func broadcast(_ frame: RoomSocketFrame) {
        for member in order {
            member.queue.send(frame)
        }
    }

    /// A chat message to the room, or privately to `to` (and a copy to the sender).
    func chat(from sender: Participant, text: String, to recipient: UserID?) -> RoomError? {
        if let recipient, members[recipient] == nil { return .participantNotFound }
        chatSequence += 1
        let frame = RoomSocketFrame(
            RoomSocketEnvelope.encode(
                "msg",
                RoomSocketWire.Chat(
                    seq: chatSequence, from: sender.userID.rawValue, name: sender.name, text: text,
                    to: recipient?.rawValue)))
        if let recipient {
            members[recipient]?.send(frame)
            if recipient != sender.userID { members[sender.userID]?.send(frame) }
        } else {
            broadcast(frame)
        }
        return nil
    }

    /// A transcript segment, numbered in arrival order and delivered to everyone in that order.
    func transcript(
        from sender: Participant, text: String, speaker: String?, startMs: Int64, endMs: Int64,
        final: Bool
    ) {
        transcriptSequence += 1
        broadcast(
            RoomSocketEnvelope.encode(
                "transcript",
                RoomSocketWire.Transcript(
                    seq: transcriptSequence, user_id: sender.userID.rawValue, speaker: speaker ?? sender.name,
                    text: text,
                    start_ms: startMs, end_ms: endMs, final: final)))
    }

    /// Applies an agenda change and broadcasts the new state; false when the change is impossible (no next item,
    /// no items to start).
    func changeAgenda(_ action: RoomSocketAction) -> Bool {
        let now = clock.now
        switch action {
        case .agendaSet(let items): agenda.set(items, now: now)
        case .agendaNext: guard agenda.advance(now: now) else { return false }
        case .agendaStart: guard agenda.start(now: now) else { return false }
        case .agendaPause: agenda.pause(now: now)
        default: return false
        }
        broadcast(RoomSocketEnvelope.encode("agenda", agenda.state(now: now)))
        return true
    }
}

/// This node's ``RoomChannel``s, created on first use and dropped when their last socket leaves.
final class RoomChannels: @unchecked Sendable {
    let clock: any ServerClock
    private let lock = NSLock()
    private var channels: [RoomID: (channel: RoomChannel, users: Int)] = [:]

    init(clock: any ServerClock) {
        self.clock = clock
    }

    func acquire(_ id: RoomID) -> RoomChannel {
        lock.withLock {
            if let entry = channels[id] {
                channels[id] = (entry.channel, entry.users + 1)
                return entry.channel
            }
            let channel = RoomChannel(id: id, clock: clock)
            channels[id] = (channel, 1)
            return channel
        }
    }

    func release(_ id: RoomID) {
        lock.withLock {
            guard let entry = channels[id] else { return }
            channels[id] = entry.users <= 1 ? nil : (entry.channel, entry.users - 1)
        }
    }

    var count: Int { lock.withLock { channels.count } }

    /// The room's channel while a socket of it is open here, else nil (nobody to tell).
    func existing(_ id: RoomID) -> RoomChannel? { lock.withLock { channels[id]?.channel } }
}
