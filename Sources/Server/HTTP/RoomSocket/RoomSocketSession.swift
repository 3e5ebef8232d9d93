import Foundation
import ParleyRooms
import ParleyTime

/// One joined participant's socket session, independent of the transport: frames come in through
/// ``receive(_:)``, registry events through ``apply(_:)``, and everything to send goes into ``queue``.
actor RoomSocketSession {
    let room: RoomID
    let me: UserID
    let rooms: any RoomDirectory
    let channel: RoomChannel
    let queue: OutboundQueue
    let options: RoomSocketOptions
    /// Starts and stops the room's recording for a presenter (nil: this server records nothing).
    let recorder: Recorder?
    /// Everyone in the room as last announced to this client (for `hand`/`participant` diffs), as the room's shared
    /// copies (``RoomParticipantViews``).
    var participants: [UserID: RoomParticipantViews.Entry] = [:]
    /// My participation as the registry admitted it; events before its `participantJoined` are already in the
    /// `joined` snapshot and are skipped.
    let admittedParticipant: Participant
    var synced = false
    /// True once this participant is out of the registry (or on its way out): nothing more is sent or done.
    private(set) var membershipOver = false
    /// Every action that reaches other members costs a token from one of these (per connection), so one client's
    /// cost to the room stays bounded however many members the room has.
    private let chatLimiter: RateLimiter
    private let transcriptLimiter: RateLimiter
    private let actionLimiter: RateLimiter
    private let clock: any ServerClock
    private var lastActivity: Duration
    /// Told when this participation ended because the connection dropped (not a kick, leave or end), with the
    /// participant as the registry removed it: its session token may then resume it.
    private let onDropped: @Sendable (Participant) -> Void

    init(
        join: JoinResult, rooms: any RoomDirectory, channel: RoomChannel, queue: OutboundQueue,
        options: RoomSocketOptions, recorder: Recorder? = nil,
        onDropped: @escaping @Sendable (Participant) -> Void = { _ in }
    ) {
        self.recorder = recorder
        self.room = join.room.id
        self.me = join.participant.userID
        self.admittedParticipant = join.participant
        self.rooms = rooms
        self.channel = channel
        self.queue = queue
        self.options = options
        self.clock = channel.clock
        self.onDropped = onDropped
        self.chatLimiter = RateLimiter(
            .tokenBucket(burst: options.chatBurst, perSecond: options.chatPerSecond),
            clock: channel.clock, maxKeys: 1)
        self.transcriptLimiter = RateLimiter(
            .tokenBucket(
                burst: options.transcriptBurst,
                perSecond: options.transcriptPerSecond),
            clock: channel.clock, maxKeys: 1)
        self.actionLimiter = RateLimiter(
            .tokenBucket(burst: options.actionsBurst, perSecond: options.actionsPerSecond),
            clock: channel.clock, maxKeys: 1)
        self.lastActivity = channel.clock.uptime
        for participant in join.room.participants {
            participants[participant.userID] = channel.participantViews.intern(participant)
        }
    }

    /// Sends `joined` and starts receiving the room's chat, transcript and agenda.
    func start(join: JoinResult, sessionToken: String) async {
        let snapshot = join.room
        queue.send(
            RoomSocketEnvelope.encode(
                "joined",
                RoomSocketWire.Joined(
                    session_token: sessionToken, user_id: me.rawValue, role: join.participant.role.rawValue,
                    room: .init(
                        room_id: room.rawValue, name: snapshot.displayName, locked: snapshot.locked,
                        capacity: snapshot.capacity),
                    participants: snapshot.participants.map(RoomSocketWire.Participant.init),
                    streams: snapshot.streams.map(RoomSocketWire.Stream.init),
                    agenda: await channel.agendaState)))
        await channel.add(me, queue: queue)
    }

    // MARK: liveness

    func touch() { lastActivity = clock.uptime }

    var idleFor: Duration { clock.uptime - lastActivity }

    /// Ends the session from this side: `error` (when given), the registry leave, then the close frame.
    func terminate(_ code: RoomSocketCloseCode, error: (code: String, reason: String)?, leave: LeaveReason?) async {
        if let error, !membershipOver { queue.send(RoomSocketEnvelope.error(error.code, error.reason)) }
        await endMembership(leave: leave)
        queue.close(code, reason: error?.code ?? "")
    }

    /// Leaves the channel and, when `leave` is given and the registry still holds us, the registry.
    func endMembership(leave: LeaveReason?) async {
        guard !membershipOver else { return }
        membershipOver = true
        await channel.remove(me)
        guard let leave else { return }
        // Only when this leave removed us: a kick or an end that got there first must not become resumable.
        let removed = try? await rooms.leave(room, me, reason: leave)
        if let removed, leave == .dropped { onDropped(removed) }
    }

    // MARK: inbound frames

    func receive(_ text: String) async {
        lastActivity = clock.uptime
        guard !membershipOver else { return }
        if text == "ping" {
            queue.send("pong")
            return
        }
        if text.utf8.count > options.maxMessageBytes {
            await terminate(
                .messageTooLarge,
                error: (
                    RoomSocketErrorCode.messageTooLarge,
                    "Messages are limited to \(options.maxMessageBytes) bytes."
                ),
                leave: .dropped)
            return
        }
        switch RoomSocketActionParser.parse(text) {
        case .failure(let refusal):
            queue.send(RoomSocketEnvelope.error(refusal.code, refusal.reason, replyTo: refusal.replyTo))
        case .success(let parsed):
            await perform(parsed)
        }
    }

    func receiveBinary() {
        lastActivity = clock.uptime
        guard !membershipOver else { return }
        queue.send(
            RoomSocketEnvelope.error(
                RoomSocketErrorCode.malformedMessage,
                "Binary frames are not part of this protocol; send JSON text."))
    }

    private func reply(_ parsed: ParsedAction, error: RoomError?) {
        if let error {
            queue.send(RoomSocketEnvelope.error(error.code, error.reason, replyTo: parsed.id))
        } else if let id = parsed.id {
            queue.send(RoomSocketEnvelope.encode("ack", RoomSocketWire.Ack(action: parsed.name), replyTo: id))
        }
    }

    private func refuse(_ parsed: ParsedAction, _ code: String, _ reason: String) {
        queue.send(RoomSocketEnvelope.error(code, reason, replyTo: parsed.id))
    }

    /// Runs a registry operation; a refusal becomes the `error` reply.
    private func registry(_ parsed: ParsedAction, _ operation: () async throws -> Void) async {
        do {
            try await operation()
            reply(parsed, error: nil)
        } catch let error as RoomError {
            reply(parsed, error: error)
        } catch {
            reply(parsed, error: .notPermitted)
        }
    }

    /// My participant as the registry holds it now (nil when I am no longer in the room).
    private func current() async -> Participant? {
        await rooms.room(room)?.participant(me)
    }

    /// Takes a token from the action's allowance; false (and the `rate_limited` error sent) when none is left.
    /// `leave` costs nothing: it only ever reduces the room's work.
    private func withinRate(_ parsed: ParsedAction) -> Bool {
        let limiter: RateLimiter
        let limit: (burst: Int, perSecond: Double, what: String)
        switch parsed.action {
        case .leave:
            return true
        case .chat:
            limiter = chatLimiter
            limit = (options.chatBurst, options.chatPerSecond, "chat messages")
        case .transcript:
            limiter = transcriptLimiter
            limit = (options.transcriptBurst, options.transcriptPerSecond, "transcript segments")
        default:
            limiter = actionLimiter
            limit = (options.actionsBurst, options.actionsPerSecond, "room actions")
        }
        guard limiter.hit("connection").allowed else {
            refuse(
                parsed, RoomSocketErrorCode.rateLimited,
                "At most \(limit.burst) \(limit.what) at once, \(Self.rate(limit.perSecond)) per second.")
            return false
        }
        return true
    }

    static func rate(_ perSecond: Double) -> String {
        perSecond == perSecond.rounded() && perSecond < 1e15 ? String(Int64(perSecond)) : String(perSecond)
    }

    private func perform(_ parsed: ParsedAction) async {
        guard withinRate(parsed) else { return }
        let by = Moderator.user(me)
        switch parsed.action {
        case .chat(let text, let to):
            guard let sender = await current() else { return }
            guard !sender.chatMuted else {
                return refuse(parsed, RoomSocketErrorCode.chatMuted, "A moderator muted your chat.")
            }
            reply(parsed, error: await channel.chat(from: sender, text: text, to: to))
        case .hand(let raised):
            await registry(parsed) { _ = try await rooms.updateMedia(room, me) { $0.hand = raised } }
        case .media(let audio, let video, let screen):
            await registry(parsed) {
                _ = try await rooms.updateMedia(room, me) { flags in
                    if let audio { flags.audio = audio }
                    if let video { flags.video = video }
                    if let screen { flags.screen = screen }
                }
            }
        case .agendaSet, .agendaNext, .agendaStart, .agendaPause:
            guard await current()?.isPresenter == true else { return reply(parsed, error: .notPermitted) }
            guard await channel.changeAgenda(parsed.action) else {
                return refuse(parsed, "agenda_unavailable", "No agenda item to move to or start.")
            }
            reply(parsed, error: nil)
        case .transcript(let text, let speaker, let startMs, let endMs, let final):
            // Every member receives the segment: its size is capped in bytes (`rooms.transcript_max_bytes`).
            guard text.utf8.count <= options.transcriptMaxBytes else {
                return refuse(
                    parsed, RoomSocketErrorCode.transcriptTooLarge,
                    "Transcript text is limited to \(options.transcriptMaxBytes) bytes.")
            }
            guard let sender = await current() else { return }
            await channel.transcript(
                from: sender, text: text, speaker: speaker, startMs: startMs, endMs: endMs,
                final: final)
            reply(parsed, error: nil)
        case .muteChat(let user, let muted):
            await registry(parsed) { _ = try await rooms.setChatMuted(room, user, muted: muted, by: by) }
        case .muteMedia(let user, let kind):
            // Not registry state: a request that the target's page honours (it then reports `media`).
            guard let snapshot = await rooms.room(room), snapshot.participant(me)?.isPresenter == true else {
                return reply(parsed, error: .notPermitted)
            }
            guard snapshot.participant(user) != nil else { return reply(parsed, error: .participantNotFound) }
            await channel.broadcast(
                RoomSocketEnvelope.encode(
                    "control",
                    RoomSocketWire.MediaMuteControl(
                        user_id: user.rawValue, kind: kind, by: RoomSocketWire.describe(by))))
            reply(parsed, error: nil)
        case .kick(let user):
            await registry(parsed) { _ = try await rooms.kick(room, user, by: by) }
        case .lock:
            await registry(parsed) { _ = try await rooms.lock(room, by: by) }
        case .unlock:
            await registry(parsed) { _ = try await rooms.unlock(room, by: by) }
        case .end:
            await registry(parsed) { _ = try await rooms.end(room, by: by) }
        case .leave:
            reply(parsed, error: nil)
            await terminate(.normal, error: nil, leave: .left)
        case .recordStart, .recordStop:
            guard await current()?.isPresenter == true else { return reply(parsed, error: .notPermitted) }
            await record(parsed, start: parsed.action == .recordStart)
        }
    }
}
