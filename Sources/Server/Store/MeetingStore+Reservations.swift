import Foundation
import GRDB

extension MeetingStore {
    /// Reservations by start time, optionally of one room.
    public func reservations(roomID: String? = nil) throws -> [MeetingReservationRecord] {
        try database.writer.read { db in
            var request = MeetingReservationRecord.all()
            if let roomID { request = request.filter(Column("room_id") == roomID) }
            return try request.order(Column("start_time"), Column("id")).fetchAll(db)
        }
    }

    /// Inserts a reservation after checking, in the same transaction, that its template exists and that no
    /// reservation of the same room overlaps it; so two concurrent requests can never both book one slot.
    public func insertReservation(_ reservation: MeetingReservationRecord) throws {
        try database.writer.write { db in
            if let templateID = reservation.templateID,
                try MeetingTemplateRecord.fetchOne(db, key: templateID) == nil
            {
                throw MeetingStoreError.templateNotFound
            }
            let clash =
                try MeetingReservationRecord
                .filter(Column("room_id") == reservation.roomID)
                .filter(Column("start_time") < reservation.endTime && Column("end_time") > reservation.startTime)
                .order(Column("start_time"))
                .fetchOne(db)
            if let clash { throw MeetingStoreError.reservationOverlap(existingID: clash.id) }
            try reservation.insert(db)
        }
    }
}
