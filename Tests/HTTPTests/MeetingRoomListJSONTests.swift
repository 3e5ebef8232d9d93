import Foundation
import NIOCore
import ParleyRooms
import Testing

@testable import ParleyHTTP

/// The room list's own JSON writer and timestamp formatter stand in for `JSONEncoder` and `.iso8601`: their
/// output must be the same bytes.
@Suite("Meeting room list: JSON writer and timestamps match Foundation")
struct MeetingRoomListJSONTests {
    static func room(_ id: String, name: String, template: String?, createdAt: Date, locked: Bool) -> RoomSnapshot {
        RoomSnapshot(
            id: RoomID(id)!,
            settings: RoomSettings(
                name: name, password: locked ? "pw" : nil, maxParticipants: 7, templateID: template,
                chatMutedOnJoin: locked, lobby: !locked, recordOnStart: locked),
            origin: locked ? .rest : .adHoc, locked: locked, createdAt: createdAt, participants: [], streams: [],
            capacity: 7)
    }

    @Test("the envelope of a room list is byte for byte what JSONEncoder (.sortedKeys) writes")
    func listMatchesEncoder() throws {
        let names = [
            "", "plain", #"quote " and back\slash"#, "slash / stays", "tab\tnew\nline\r",
            "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}", "ünïcödé 会議 🎥", "\u{2028}\u{2029}",
        ]
        let rooms = names.enumerated().map { index, name in
            Self.room(
                "room-\(index)", name: name, template: index % 2 == 0 ? nil : "tpl-\(index)",
                createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 86_399.75),
                locked: index % 3 == 0)
        }
        // A stored time differs from the registry's for some rooms (restored ones); one is outside 1970–9999.
        let created = rooms.enumerated().map { index, room in
            index == 5
                ? Date(timeIntervalSince1970: -86_400.5) : room.createdAt.addingTimeInterval(Double(index % 2) * -3_600)
        }
        // Bursts: rooms sharing a second (different fractions), the same second again after another one.
        let burst = [0.0, 0.25, 0.999, 1.0, 1.5, 0.5, 86_400].map { Date(timeIntervalSince1970: 1_800_000_000 + $0) }
        let burstRooms = burst.indices.map {
            Self.room("burst-\($0)", name: "b", template: nil, createdAt: burst[$0], locked: false)
        }
        for (list, times) in [([], []), (rooms, created), (burstRooms + rooms, burst + created)] {
            let listing = MeetingRoomListing(rooms: list, createdAt: times)
            let expected = try MonibucaEnvelope.encoder.encode(MonibucaEnvelope.Success(data: listing.models))
            let response = listing.envelopeResponse()
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: listing.envelopeJSON()) == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test("counts, ids, capacities and long names at their extremes match the encoder")
    func extremesMatchEncoder() throws {
        let long = String(repeating: "\u{1}\"", count: 3_000) + String(repeating: "é", count: 5_000)
        var room = Self.room(
            "r", name: long, template: String(repeating: "t", count: 64), createdAt: Date(timeIntervalSince1970: 0),
            locked: true)
        room.capacity = Int.max
        let other = Self.room(
            String(repeating: "x", count: 64), name: "", template: nil,
            createdAt: Date(timeIntervalSince1970: 253_402_300_799.999), locked: false)
        let listing = MeetingRoomListing(
            rooms: Array(repeating: room, count: 40) + [other],
            createdAt: Array(repeating: room.createdAt, count: 40) + [other.createdAt])
        let expected = try MonibucaEnvelope.encoder.encode(MonibucaEnvelope.Success(data: listing.models))
        #expect(Array(listing.envelopeJSON().readableBytesView) == Array(expected))
    }

    @Test("RFC3339.format equals Date.formatted(.iso8601), fractions and leap days included")
    func timestampsMatchFormatStyle() {
        var dates = [
            0, 951_782_399.999, 951_782_400, 951_868_800, 1_709_208_000.5, 4_107_542_399, 4_107_542_400,
            253_402_300_799.9,
        ].map { Date(timeIntervalSince1970: $0) }
        // 2,000 instants spread over 1970–9999 with varying fractions (a fixed stride, so every run checks the same).
        for step in 0..<2_000 {
            dates.append(Date(timeIntervalSince1970: Double(step) * 126_701_117.3))
        }
        for date in dates {
            #expect(RFC3339.format(date) == date.formatted(.iso8601), "\(date.timeIntervalSince1970)")
        }
        // Outside the fast range the format style answers.
        let early = Date(timeIntervalSince1970: -86_400.5)
        #expect(RFC3339.format(early) == early.formatted(.iso8601))
    }
}
