import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyRooms
import Testing
@testable import ParleyHTTP

@Suite("Room WebSocket: actions, tokens, sessions")
struct RoomSocketTests {
    // MARK: parsing untrusted frames

    @Test("actions parse with their id; unknown actions, extra fields and wrong types are refused with the id")
    func parsing() throws {
        let chat = try RoomSocketActionParser.parse(#"{"action":"chat","id":"a1","text":"hi","to":"bob"}"#).get()
        #expect(chat.action == .chat(text: "hi", to: UserID("bob")))
        #expect(chat.id == .string("a1"))
        let hand = try RoomSocketActionParser.parse(#"{"action":"hand","id":7,"raised":true}"#).get()
        #expect(hand.action == .hand(raised: true) && hand.id == .integer(7))

        func refusal(_ text: String) -> ActionRefusal? {
            if case .failure(let refusal) = RoomSocketActionParser.parse(text) { return refusal }
            return nil
        }
        #expect(refusal("{nope")?.code == "malformed_message")
        #expect(refusal("[]")?.code == "malformed_message")
        #expect(
            refusal(#"{"action":"dance","id":1}"#)
                == ActionRefusal(
                    code: "unknown_action", reason: "Unknown action dance.", replyTo: .integer(1)))
        #expect(refusal(#"{"action":"chat","text":"x","colour":"red"}"#)?.code == "invalid_message")
        #expect(refusal(#"{"action":"hand","raised":1}"#)?.code == "invalid_message") // a number is not a bool
        #expect(refusal(#"{"action":"chat","text":"   "}"#)?.code == "invalid_message")
        #expect(refusal(#"{"action":"kick","user_id":"a b"}"#)?.code == "invalid_message")
        #expect(refusal(#"{"action":"transcript","text":"x","start_ms":5,"end_ms":1}"#)?.code == "invalid_message")
        #expect(refusal(#"{"action":"agenda.set","items":[{"title":"x","extra":1}]}"#)?.code == "invalid_message")
        #expect(refusal(#"{"action":"chat","text":"x","id":1.5}"#)?.code == "invalid_message")
    }

    // MARK: session tokens

    @Test("a session token verifies only while that same participation is live, and never when tampered")
    func sessionTokens() async throws {
        let rooms = InMemoryRoomDirectory()
        let tokens = RoomSessionTokens(secret: SessionProbe.secret)
        let room = try #require(RoomID("r1"))
        let alice = try #require(UserID("alice"))
        let first = try await rooms.joinRoom(room, JoinRequest(userID: alice), createIfMissing: true)
        _ = try await rooms.joinRoom(room, JoinRequest(userID: try #require(UserID("bob"))), createIfMissing: true)
        let token = tokens.issue(for: first.participant, in: room)
        #expect(await tokens.verify(token, rooms: rooms)?.claims.user == alice)
        #expect(RoomSessionTokens(secret: "another-secret-0123456789abcdef0123").decode(token) == nil)
        var tampered = Array(token)
        tampered[7] = tampered[7] == "A" ? "B" : "A"
        #expect(await tokens.verify(String(tampered), rooms: rooms) == nil)
        #expect(tokens.decode("pst2.@@@.###") == nil && tokens.decode("") == nil)

        _ = try await rooms.leave(room, alice, reason: .left)
        #expect(await tokens.verify(token, rooms: rooms) == nil) // revoked by leaving
        let again = try await rooms.joinRoom(room, JoinRequest(userID: alice), createIfMissing: true)
        #expect(await tokens.verify(token, rooms: rooms) == nil) // a rejoin does not revive it
        #expect(await tokens.verify(tokens.issue(for: again.participant, in: room), rooms: rooms) != nil)
    }

    @Test("MiroTalk peer os/browser come from the User-Agent")
    func userAgent() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
        #expect(UserAgentSummary.summarize(chrome) == ("Linux", "Chrome 126.0.0.0"))
        let safari =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
        #expect(UserAgentSummary.summarize(safari) == ("iOS 17.4", "Safari 17.4"))
        let edge =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.67"
        #expect(UserAgentSummary.summarize(edge) == ("Windows 10", "Edge 125.0.2535.67"))
        #expect(UserAgentSummary.summarize(nil) == ("", ""))
        #expect(UserAgentSummary.summarize("Python/3.11 websockets/13.1") == ("", ""))
    }

    // MARK: joins

    @Test("rooms.require_token refuses an anonymous join; a bad token is refused with 4001; nothing is joined")
    func authenticator() async throws {
        let tokens = RoomSessionTokens(secret: SessionProbe.secret)
        let authenticator = RoomSocketAuthenticator(
            requireToken: true, monibuca: MonibucaJWT(secret: SessionProbe.secret, lifetime: 3600),
            miroTalk: MiroTalkTokenVerifier(secret: "mirotalk-test-secret-0123456789abcdef"), sessions: tokens,
            resumptions: RoomSessionResumptions())
        var query = RoomSocketJoinQuery(roomID: "r", userID: "u")
        guard case .failure(let refusal) = await authenticator.joinRequest(query) else {
            Issue.record("joined without a token")
            return
        }
        #expect(refusal == JoinRefusal(code: "token_required", reason: refusal.reason, close: .unauthorized))
        query.token = "x.y.z"
        guard case .failure(let bad) = await authenticator.joinRequest(query) else { Issue.record("accepted"); return }
        #expect(bad.code == "invalid_token" && bad.close == .unauthorized)
        let jwt = try MonibucaJWT(secret: SessionProbe.secret, lifetime: 3600).issue(username: "admin").token
        query.token = jwt
        let request = try await authenticator.joinRequest(query).get().request
        #expect(request.bypassRestrictions && request.asPresenter)
        let expired = try MonibucaJWT(secret: SessionProbe.secret, lifetime: 1)
            .issue(username: "admin", now: Date(timeIntervalSinceNow: -10)).token
        query.token = expired
        guard case .failure(let old) = await authenticator.joinRequest(query) else { Issue.record("accepted"); return }
        #expect(old.code == "token_expired")
        query.roomID = "bad room"
        guard case .failure(let invalid) = await authenticator.joinRequest(query) else { Issue.record("ok?"); return }
        #expect(invalid.close == .invalidRequest)
    }

    @Test("a plain GET on the room path is answered 426, not upgraded")
    func plainGet() async throws {
        let services = try TestServices.make()
        let app = Application(router: ParleyServer.makeRouter(services: services, faces: [RoomSocketFace()]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/room/r1?type=meeting&user_id=u", method: .get) { response in
                #expect(response.status == .upgradeRequired)
            }
        }
    }
}
