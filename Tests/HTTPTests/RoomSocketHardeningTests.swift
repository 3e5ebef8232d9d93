import Fixtures
import Foundation
import Logging
import ParleyConfig
import ParleyRooms
import ParleyStore
import Testing
@testable import ParleyHTTP

/// Issue 13 on the room WebSocket: session tokens expire and die with a kick or a leave, wrong passwords are
/// throttled per address and room, every fan-out action is rate limited, transcripts are capped, sockets per
/// address are capped.
@Suite("Room WebSocket hardening")
struct RoomSocketHardeningTests {
    static func endpoint(
        _ rooms: InMemoryRoomDirectory, clock: ManualClock,
        options: RoomSocketOptions = RoomSocketOptions(),
        requireToken: Bool = false
    ) throws -> RoomSocketEndpoint {
        var config = ParleyConfig()
        config.rooms.requireToken = requireToken
        let services = ParleyServices(
            config: config, rooms: rooms, database: try ParleyDatabase.inMemory(),
            secrets: ResolvedSecrets(
                apiKeySecret: "test-api-key", jwtSecret: "test-jwt-secret",
                authSecret: "test-auth-secret"),
            metrics: ParleyMetrics.registry, clock: clock, logger: Logger(label: "test"))
        return RoomSocketEndpoint(services: services, options: options)
    }

    /// Joins through the endpoint (credentials, throttle, registry) and starts the session as a connection would.
    static func connect(
        _ endpoint: RoomSocketEndpoint, room: String, user: String, token: String? = nil,
        password: String? = nil, address: String = "127.0.0.1"
    ) async throws
        -> Result<SessionProbe, JoinRefusal>
    {
        let query = RoomSocketJoinQuery(roomID: room, userID: user, password: password, token: token, type: "meeting")
        switch await endpoint.admit(query, address: address) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let (join, events)):
            let queue = OutboundQueue(limitBytes: endpoint.options.outboundLimitBytes)
            let session = await endpoint.startSession(
                join, channel: endpoint.channels.acquire(join.room.id),
                queue: queue)
            return .success(
                SessionProbe(
                    session: session, queue: queue, user: join.participant.userID,
                    events: events))
        }
    }

    static func sessionToken(_ probe: SessionProbe) async throws -> String {
        try #require(try await probe.next("joined")?.data["session_token"] as? String)
    }

    // MARK: session tokens

    @Test("a kicked participant's session token is refused for WHIP/WHEP and for rejoining; so is a leaver's")
    func kickedTokenRefused() async throws {
        let rooms = InMemoryRoomDirectory()
        let clock = ManualClock()
        let endpoint = try Self.endpoint(rooms, clock: clock, requireToken: true)
        let jwt = try MonibucaJWT(secret: "test-auth-secret", lifetime: 3600).issue(username: "admin").token
        let host = try await Self.connect(endpoint, room: "r", user: "host", token: jwt).get()
        let victim = try await Self.connect(endpoint, room: "r", user: "victim", token: jwt).get()
        let token = try await Self.sessionToken(victim)
        #expect(await endpoint.tokens.verify(token, rooms: rooms) != nil)

        await host.send(#"{"action":"kick","id":1,"user_id":"victim"}"#)
        #expect(try await victim.closeItem() == .close(.kicked, reason: "kicked"))
        #expect(await endpoint.tokens.verify(token, rooms: rooms) == nil) // the WHIP/WHEP Bearer check
        guard case .failure(let refused) = try await Self.connect(endpoint, room: "r", user: "victim", token: token)
        else { Issue.record("a kicked participant rejoined with its session token"); return }
        #expect(refused.code == "invalid_token" && refused.close == .unauthorized)
        #expect(await rooms.room(try #require(RoomID("r")))?.participant(try #require(UserID("victim"))) == nil)

        let leaver = try await Self.connect(endpoint, room: "r", user: "leaver", token: jwt).get()
        let leaverToken = try await Self.sessionToken(leaver)
        await leaver.send(#"{"action":"leave"}"#)
        #expect(try await leaver.closeItem() == .close(.normal, reason: ""))
        guard case .failure(let gone) = try await Self.connect(endpoint, room: "r", user: "leaver", token: leaverToken)
        else { Issue.record("a participant who left rejoined with its session token"); return }
        #expect(gone.code == "invalid_token")
    }

    @Test("a dropped connection's token resumes once, with its role; then it is spent")
    func droppedTokenResumesOnce() async throws {
        let rooms = InMemoryRoomDirectory()
        let clock = ManualClock()
        let endpoint = try Self.endpoint(rooms, clock: clock, requireToken: true)
        let jwt = try MonibucaJWT(secret: "test-auth-secret", lifetime: 3600).issue(username: "admin").token
        let first = try await Self.connect(endpoint, room: "r", user: "ann", token: jwt).get()
        let other = try await Self.connect(endpoint, room: "r", user: "bob", token: jwt).get()
        let token = try await Self.sessionToken(first)
        await first.session.terminate(.heartbeatTimeout, error: nil, leave: .dropped)
        #expect(endpoint.resumptions.count == 1)

        let resumed = try await Self.connect(endpoint, room: "r", user: "ann", token: token).get()
        let joined = try #require(try await resumed.next("joined")?.data)
        #expect(joined["role"] as? String == "presenter") // a host drops and comes back presenting
        #expect(joined["session_token"] as? String != token)
        #expect(endpoint.resumptions.count == 0)
        await resumed.session.terminate(.normal, error: nil, leave: .left)
        guard case .failure(let spent) = try await Self.connect(endpoint, room: "r", user: "ann", token: token) else {
            Issue.record("a session token resumed twice"); return
        }
        #expect(spent.code == "invalid_token")
        _ = other // keeps the ad-hoc room alive while ann is away
    }

    @Test("session tokens expire: refused by verify and, once expired, refused for rejoining as token_expired")
    func tokensExpire() async throws {
        let rooms = InMemoryRoomDirectory()
        let clock = ManualClock()
        let endpoint = try Self.endpoint(
            rooms, clock: clock, options: RoomSocketOptions(sessionTokenLifetime: .seconds(60)))
        let probe = try await Self.connect(endpoint, room: "r", user: "ann").get()
        let token = try await Self.sessionToken(probe)
        let claims = try #require(endpoint.tokens.decode(token))
        #expect(claims.expiresAt == Date(timeIntervalSince1970: (clock.now.timeIntervalSince1970 + 60).rounded(.down)))
        clock.advance(seconds: 59)
        #expect(await endpoint.tokens.verify(token, rooms: rooms) != nil)
        await probe.session.terminate(.heartbeatTimeout, error: nil, leave: .dropped)
        clock.advance(seconds: 1)
        #expect(endpoint.tokens.decode(token) == nil)
        guard case .failure(let expired) = try await Self.connect(endpoint, room: "r", user: "ann", token: token) else {
            Issue.record("an expired session token was accepted"); return
        }
        #expect(expired.code == "token_expired" && expired.close == .unauthorized)
        // The old format (no expiry) and tokens for another room or user are forgeries as far as the joiner goes.
        #expect(endpoint.tokens.signedClaims("pst1.YQ.YQ") == nil)
    }

    // MARK: passwords

    @Test("wrong-password joins are throttled per address and room; the window passes; others are unaffected")
    func passwordThrottle() async throws {
        let rooms = InMemoryRoomDirectory()
        let clock = ManualClock()
        let endpoint = try Self.endpoint(
            rooms, clock: clock,
            options: RoomSocketOptions(passwordMaxFailures: 3, passwordWindow: .seconds(60)))
        for room in ["vault", "other"] {
            _ = try await rooms.createRoom(
                try #require(RoomID(room)), settings: RoomSettings(password: "right"),
                origin: .rest)
        }
        for attempt in 0..<3 {
            guard
                case .failure(let wrong) = try await Self.connect(
                    endpoint, room: "vault", user: "eve\(attempt)",
                    password: "guess\(attempt)", address: "10.0.0.9")
            else { Issue.record("a wrong password was accepted"); return }
            #expect(wrong.code == "wrong_password" && wrong.close == .wrongPassword)
        }
        // Now even the right password waits, from this address, for this room.
        guard
            case .failure(let throttled) = try await Self.connect(
                endpoint, room: "vault", user: "eve",
                password: "right", address: "10.0.0.9")
        else { Issue.record("not throttled"); return }
        #expect(throttled.code == "rate_limited" && throttled.close == .tooMany)
        // Another room from the same address, and the same room from another address, are not throttled.
        #expect(
            try await Self.connect(endpoint, room: "other", user: "eve", password: "right", address: "10.0.0.9")
                .get().user.rawValue == "eve")
        #expect(
            try await Self.connect(endpoint, room: "vault", user: "amy", password: "right", address: "10.0.0.7")
                .get().user.rawValue == "amy")
        #expect(await rooms.room(try #require(RoomID("vault")))?.participants.count == 1)
        clock.advance(seconds: 61)
        #expect(
            try await Self.connect(endpoint, room: "vault", user: "eve", password: "right", address: "10.0.0.9")
                .get().user.rawValue == "eve")
    }

    // MARK: rates and sizes

    @Test("hand, media, transcript and moderation are rate limited per connection; the room hears no more")
    func actionRateLimits() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let options = RoomSocketOptions(
            transcriptBurst: 2, transcriptPerSecond: 0.001, actionsBurst: 3,
            actionsPerSecond: 0.001)
        let flooder = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "f", options: options)
        let listener = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "l", options: options)
        for n in 1...5 {
            await flooder.send(#"{"action":"hand","id":\#(n),"raised":\#(n % 2 == 1)}"#)
        }
        var acked: [Int] = []
        for _ in 1...3 { acked.append(try await flooder.next("ack")?["reply_to"] as? Int ?? 0) }
        #expect(acked == [1, 2, 3])
        for n in 4...5 {
            let refused = try await flooder.next("error")
            #expect(refused?.data["code"] as? String == "rate_limited" && refused?["reply_to"] as? Int == n)
        }
        // Exactly the burst of three hand changes reached the listener. Barrier: registry events arrive in order, so
        // once the listener sees its own later hand change, every earlier one from the flooder is already queued.
        _ = try await rooms.updateMedia(try #require(RoomID("r")), listener.user) { $0.hand = true }
        #expect(try await listener.next("hand", where: { $0["user_id"] as? String == "l" }) != nil)
        #expect(listener.count("hand", where: { $0["user_id"] as? String == "f" }) == 3)
        await flooder.send(#"{"action":"media","id":"m","audio":true}"#)
        #expect(try await flooder.next("error")?["reply_to"] as? String == "m")

        for n in 1...3 {
            await flooder.send(#"{"action":"transcript","id":"t\#(n)","text":"seg","start_ms":0,"end_ms":1}"#)
        }
        // Barrier: the flooder's chat goes through the same room channel after its transcripts.
        await flooder.send(#"{"action":"chat","text":"done"}"#)
        #expect(try await listener.next("msg") != nil)
        #expect(listener.count("transcript") == 2)
    }

    @Test("a transcript above rooms.transcript_max_bytes is refused and reaches nobody")
    func transcriptCap() async throws {
        let rooms = InMemoryRoomDirectory()
        let channels = RoomChannels(clock: ManualClock())
        let options = RoomSocketOptions(transcriptMaxBytes: 16)
        let speaker = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "s", options: options)
        let listener = try await SessionProbe.join(rooms, channels: channels, room: "r", user: "l", options: options)
        // 9 characters, 18 bytes: the cap is in bytes, what every member is sent.
        await speaker.send(#"{"action":"transcript","id":1,"text":"ééééééééé","start_ms":0,"end_ms":1}"#)
        let refused = try await speaker.next("error")
        #expect(refused?.data["code"] as? String == "transcript_too_large" && refused?["reply_to"] as? Int == 1)
        await speaker.send(#"{"action":"transcript","id":2,"text":"short","start_ms":0,"end_ms":1}"#)
        #expect(try await listener.next("transcript")?.data["text"] as? String == "short")
    }

    // MARK: sockets per address

    @Test("sockets per address are capped and released")
    func connectionsPerAddress() {
        let connections = ConnectionsPerAddress(limit: 2)
        #expect(connections.acquire("a") && connections.acquire("a"))
        #expect(!connections.acquire("a"))
        #expect(connections.acquire("b"))
        connections.release("a")
        #expect(connections.count("a") == 1 && connections.acquire("a"))
        connections.release("a")
        connections.release("a")
        connections.release("a") // one too many: ignored, never negative
        #expect(connections.count("a") == 0 && connections.acquire("a"))
    }
}
