import Fixtures
import Foundation
import Testing
@testable import ParleyRooms

@Suite("Event subscriptions")
struct EventTests {
    @Test("every subscriber receives every later event, in the same order; earlier events are not replayed")
    func fanOutInOrder() async throws {
        let directory = makeDirectory()
        _ = try await directory.createRoom(rid("before"), settings: RoomSettings(), origin: .rest)
        let first = EventRecorder(directory.events())
        let second = EventRecorder(directory.events())
        for index in 0..<50 {
            _ = try await directory.createRoom(rid("r\(index)"), settings: RoomSettings(), origin: .rest)
        }
        let a = try await first.events(atLeast: 50)
        let b = try await second.events(atLeast: 50)
        #expect(a.count == 50)
        #expect(a == b)
        #expect(a.compactMap(\.roomID) == (0..<50).map { rid("r\($0)") })
    }

    @Test("a cancelled consumer's subscription is removed")
    func cancelledConsumerUnsubscribes() async throws {
        let directory = makeDirectory()
        let recorder = EventRecorder(directory.events())
        #expect(directory.eventSubscriberCount == 1)
        recorder.cancel()
        try await waitUntil("directory.eventSubscriberCount == 0") { directory.eventSubscriberCount == 0 }
        #expect(directory.eventSubscriberCount == 0)
        // The subscription is removed on termination, a moment before the consumer's task sees its loop end.
        try await waitUntil("recorder.isFinished") { recorder.isFinished }
        // Publishing with no subscribers still works.
        _ = try await directory.createRoom(rid("r"), settings: RoomSettings(), origin: .rest)
    }

    @Test("a dropped, never-iterated subscription is removed")
    func droppedStreamUnsubscribes() async throws {
        let directory = makeDirectory()
        do {
            let stream = directory.events()
            #expect(directory.eventSubscriberCount == 1)
            _ = stream
        }
        try await waitUntil("directory.eventSubscriberCount == 0") { directory.eventSubscriberCount == 0 }
        #expect(directory.eventSubscriberCount == 0)
    }

    @Test("an abandoned subscriber does not block operations while another receives everything")
    func abandonedSubscriberDoesNotBlock() async throws {
        let directory = makeDirectory(policy: RoomPolicy(defaultMaxParticipants: 10_000))
        let abandoned = directory.events() // held, never read
        let live = EventRecorder(directory.events())
        let operations = 5_000
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for index in 0..<operations {
                try await directory.join(rid("r"), request("u\(index)"), createIfMissing: true)
            }
        }
        #expect(elapsed < .seconds(30))
        let received = try await live.events(atLeast: operations + 1)
        #expect(received.count == operations + 1) // roomCreated + every join
        #expect(await directory.stats().participants == operations)
        _ = abandoned
    }

    @Test("a subscriber that falls bufferLimit events behind gets what was buffered, then its stream ends")
    func slowSubscriberIsCutOff() async throws {
        let directory = makeDirectory(eventBufferLimit: 8)
        let slow = directory.events()
        let live = EventRecorder(directory.events())
        for index in 0..<20 {
            _ = try await directory.createRoom(rid("r\(index)"), settings: RoomSettings(), origin: .rest)
            // Keep this one subscriber up to date, so only the unread one falls behind.
            _ = try await live.events(atLeast: index + 1)
        }
        var delivered: [RoomID] = []
        for await event in slow {
            if let room = event.roomID { delivered.append(room) }
        }
        // The first 8 arrive intact and in order; then the stream finished instead of skipping ahead.
        #expect(delivered == (0..<8).map { rid("r\($0)") })
        #expect(directory.eventSubscriberCount == 1)
        // The subscriber that kept up lost nothing and is still subscribed.
        #expect(live.events.count == 20)
        #expect(!live.isFinished)
    }
}
