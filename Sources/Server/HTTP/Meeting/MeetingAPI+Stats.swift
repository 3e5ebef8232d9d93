import Foundation
import Hummingbird
import ParleyTime

/// `GET /meeting/api/stats` (live counts from the registry, stored counts from SQLite) and
/// `GET /meeting/api/features`.
extension MeetingAPI {
    /// What this plugin offers, and whether it works in this build. Features that need something Parley does not
    /// have (an external speech recogniser, a language model) are listed as disabled rather than left out.
    static let features: [MeetingModels.Feature] = [
        .init(
            name: "rooms", description: "Create, list, inspect and delete meeting rooms that survive restarts.",
            enabled: true),
        .init(
            name: "room_lock", description: "Lock a room against new joiners; present participants stay.",
            enabled: true),
        .init(name: "chat_mute", description: "Refuse a participant's chat messages until unmuted.", enabled: true),
        .init(name: "kick", description: "Remove a participant and end its sessions.", enabled: true),
        .init(
            name: "templates", description: "Named room settings applied to rooms created from them.",
            enabled: true),
        .init(name: "reservations", description: "Book non-overlapping time slots in a room.", enabled: true),
        .init(
            name: "recordings", description: "Catalogue, play, download (with ranges) and delete recordings.",
            enabled: true),
        .init(name: "stats", description: "Live room, participant and stream counts.", enabled: true),
        .init(
            name: "transcription", description: "Real-time transcription through an external ASR service.",
            enabled: false),
        .init(name: "ai_minutes", description: "Generated minutes and action items.", enabled: false),
    ]

    func registerStats(on router: some RouterMethods<ParleyRequestContext>) {
        router.get("\(Self.prefix)/stats") { _, _ in
            let live = await serviceView.stats()
            let counts = try await fromStore { try await rows.counts(now: clock.now) }
            return try MeetingReply.ok(
                MeetingModels.Stats(
                    rooms: live.rooms, participants: live.participants, publishers: live.publishers,
                    subscribers: live.subscribers, locked_rooms: live.lockedRooms, stored_rooms: counts.rooms,
                    templates: counts.templates, reservations: counts.reservations,
                    upcoming_reservations: counts.upcomingReservations, recordings: counts.recordings,
                    uptime_seconds: max(0, Int(clock.uptime.inSeconds))))
        }
        router.get("\(Self.prefix)/features") { _, _ in
            try MeetingReply.ok(MeetingModels.FeatureList(total: Self.features.count, features: Self.features))
        }
    }
}
