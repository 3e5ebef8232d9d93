import Foundation
import ParleyRooms
import Testing

@testable import ParleyHTTP

@Suite("Room participant views: the sessions' views of a room share one copy of each participant")
struct RoomParticipantViewsTests {
    static func participant(_ user: String, hand: Bool = false) -> Participant {
        var participant = Participant(userID: UserID(user)!, name: user, joinedAt: .distantPast)
        participant.media.hand = hand
        return participant
    }

    @Test("an equal participant gets the same entry; a changed one a new entry, which becomes the one shared")
    func interning() {
        let views = RoomParticipantViews()
        let first = views.intern(Self.participant("a"))
        #expect(views.intern(Self.participant("a")) === first)
        let raised = views.intern(Self.participant("a", hand: true))
        #expect(raised !== first)
        #expect(raised.participant.media.hand)
        #expect(first.participant.media.hand == false) // an older view keeps what it was told
        #expect(views.intern(Self.participant("a", hand: true)) === raised)
        #expect(views.intern(Self.participant("b")) !== raised)
        #expect(views.count == 2)
    }

    @Test("a member who left is forgotten: only the views still holding its entry keep it")
    func forgetting() {
        let views = RoomParticipantViews()
        let held = views.intern(Self.participant("a"))
        views.forget(UserID("a")!)
        #expect(views.count == 0)
        #expect(held.participant.userID == UserID("a")!)
        #expect(views.intern(Self.participant("a")) !== held)
    }
}
