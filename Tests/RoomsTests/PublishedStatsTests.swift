import Testing
@testable import ParleyRooms

/// The counts the registry publishes for readers off the actor (`publishedStats`) are `stats()` after every
/// kind of change, as soon as the change's call returns.
@Suite("Published stats follow every change")
struct PublishedStatsTests {
    @Test("after each change publishedStats equals stats()")
    func followsChanges() async throws {
        let directory = makeDirectory()
        func check(_ step: String) async {
            let published = directory.publishedStats
            let counted = await directory.stats()
            #expect(published == counted, "after \(step)")
        }
        await check("nothing")
        _ = try await directory.createRoom(rid("weekly"), settings: RoomSettings(), origin: .rest)
        await check("createRoom")
        try await directory.join(rid("weekly"), request("ann"))
        try await directory.join(rid("weekly"), request("bob"))
        try await directory.join(rid("daily"), request("cyd"), createIfMissing: true)
        await check("joins")
        #expect(directory.publishedStats?.participants == 3)
        _ = try await directory.lock(rid("weekly"), by: .rest)
        await check("lock")
        #expect(directory.publishedStats?.lockedRooms == 1)
        _ = try await directory.startStream(
            path("room/weekly/ann"), publisher: uid("ann"), room: rid("weekly"), codecs: [])
        _ = try await directory.startStream(path("live/cam"), publisher: nil, room: nil, codecs: [])
        await check("startStream")
        _ = try await directory.addSubscriber(path("live/cam"))
        _ = try await directory.addSubscriber(path("live/cam"))
        await check("addSubscriber")
        #expect(directory.publishedStats?.subscribers == 2)
        _ = try await directory.removeSubscriber(path("live/cam"))
        await check("removeSubscriber")
        _ = try await directory.leave(rid("weekly"), uid("bob"), reason: .left)
        await check("leave")
        _ = try await directory.kick(rid("daily"), uid("cyd"), by: .rest)
        await check("kick")
        _ = try await directory.deleteRoom(rid("weekly"))
        await check("deleteRoom")
        _ = try await directory.stopStream(path("live/cam"))
        await check("stopStream")
    }
}
