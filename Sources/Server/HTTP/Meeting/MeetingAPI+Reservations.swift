import Foundation
import Hummingbird
import ParleyRooms
import ParleyStore

/// Reservations: a room's time slots `[start_time, end_time)`. The overlap check and the insert are one
/// transaction (``MeetingStore/insertReservation(_:)``), so a slot can never be booked twice.
extension MeetingAPI {
    static let reservationFields: Set<String> = [
        "room_id", "title", "start_time", "end_time", "host", "participants", "template_id",
    ]
    static let maxReservationParticipants = 1000

    func registerReservations(on router: some RouterMethods<ParleyRequestContext>) {
        let p = Self.prefix
        router.get("\(p)/reservations") { request, _ in
            let room = try Self.roomFilter(request)
            let list = try await fromStore { try await rows.reservations(roomID: room?.rawValue) }.map(
                MeetingModels.Reservation.init)
            return try MeetingReply.ok(MeetingModels.ReservationList(total: list.count, reservations: list))
        }
        router.post("\(p)/reservations") { request, context in
            let reservation = try await readReservation(request, context: context)
            try await fromStore { try await rows.insertReservation(reservation) }
            return try MeetingReply.ok(MeetingModels.Reservation(reservation))
        }
    }

    func readReservation(_ request: Request, context: ParleyRequestContext) async throws -> MeetingReservationRecord {
        let body = try await MeetingBody.read(request, context: context, allowed: Self.reservationFields)
        let room = try Self.bodyRoomID(body)
        guard let title = try body.text("title", required: true, maxLength: 256) else {
            throw MeetingBody.invalid("title", "is required")
        }
        let start = try Self.time(body, "start_time")
        let end = try Self.time(body, "end_time")
        let now = clock.now
        guard end > start else { throw MeetingBody.unprocessable("end_time", "must be after start_time") }
        guard start >= now.addingTimeInterval(-1) else {
            throw MeetingBody.unprocessable("start_time", "is in the past")
        }
        let host = try Self.bodyUserID(body, "host")
        guard let participants = try body.stringArray("participants", maxCount: Self.maxReservationParticipants) else {
            throw MeetingBody.invalid("participants", "is required")
        }
        var seen = Set<String>()
        for (index, user) in participants.enumerated() {
            guard UserID(user) != nil else {
                throw MeetingBody.invalid("participants[\(index)]", "must match [A-Za-z0-9._~-]{1,64}")
            }
            guard seen.insert(user).inserted else {
                throw MeetingBody.invalid("participants[\(index)]", "is a duplicate")
            }
        }
        let templateID = try body.string("template_id")
        if let templateID, !IdentifierGrammar.isValid(templateID) {
            throw MeetingBody.invalid("template_id", "must match [A-Za-z0-9._~-]{1,64}")
        }
        return MeetingReservationRecord(
            id: MeetingStore.newID(), roomID: room.rawValue, title: title, startTime: start,
            endTime: end, host: host.rawValue, participants: participants,
            templateID: templateID, createdAt: Self.wholeSeconds(now))
    }

    /// An RFC 3339 date-time field, kept to whole seconds (what the API reports back).
    static func time(_ body: MeetingBody, _ field: String) throws(MonibucaError) -> Date {
        let text = try body.requiredString(field)
        guard let date = RFC3339.parse(text) else {
            throw MeetingBody.invalid(
                field, "must be an RFC 3339 date-time with a time zone, e.g. 2030-01-01T09:00:00Z")
        }
        let earliest = Date(timeIntervalSince1970: 0), latest = Date(timeIntervalSince1970: 253_402_300_799)
        // Well-formed but unusable (a slot before 1970 is in the past anyway): 422, as the other time refusals.
        guard date >= earliest, date <= latest else {
            throw MeetingBody.unprocessable(field, "must be between 1970 and 9999")
        }
        return wholeSeconds(date)
    }

    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
