import Foundation
import HTTPTypes
import ParleyHTTP
import Testing

@Suite("Meeting REST: templates and reservations")
struct MeetingScheduleTests {
    @Test("templates: create, list, get, replace with PUT, delete; duplicate name 409; unknown id 404; bad id 400")
    func templates() async throws {
        try await MeetingFixture.make().run { api in
            let created = try await api.post(
                "/meeting/api/templates",
                #"{"name":"Class","description":"Lessons","max_participants":30,"record_on_start":true}"#)
            #expect(created.status == .ok)
            let id = try #require(created.data["id"] as? String)
            #expect(id.count == 22 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(created.data["lobby"] as? Bool == false && created.data["record_on_start"] as? Bool == true)
            #expect(try await api.post("/meeting/api/templates", #"{"name":"Class"}"#).status == .conflict)
            let other = try await api.post("/meeting/api/templates", #"{"name":"Other"}"#)
            #expect(other.data["max_participants"] is NSNull && other.data["description"] as? String == "")

            let list = try await api.get("/meeting/api/templates")
            #expect(list.data["total"] as? Int == 2)
            #expect(try await api.get("/meeting/api/templates/\(id)").data["name"] as? String == "Class")

            let replaced = try await api.send(
                .put, "/meeting/api/templates/\(id)", json: #"{"name":"Class B","lobby":true}"#)
            #expect(replaced.status == .ok && replaced.data["name"] as? String == "Class B")
            #expect(replaced.data["lobby"] as? Bool == true && replaced.data["max_participants"] is NSNull)
            #expect(replaced.data["created_at"] as? String == created.data["created_at"] as? String)
            let clash = try await api.send(.put, "/meeting/api/templates/\(id)", json: #"{"name":"Other"}"#)
            #expect(clash.status == .conflict && clash.message.contains("name"))
            #expect(
                try await api.send(.put, "/meeting/api/templates/unknown", json: #"{"name":"X"}"#).status == .notFound)
            #expect(
                try await api.send(.put, "/meeting/api/templates/\(id)", json: #"{"lobby":true}"#).status == .badRequest
            )

            #expect(try await api.send(.delete, "/meeting/api/templates/\(id)").data["deleted"] as? Bool == true)
            #expect(try await api.send(.delete, "/meeting/api/templates/\(id)").status == .notFound)
            #expect(try await api.get("/meeting/api/templates/\(id)").status == .notFound)
            #expect(try await api.send(.delete, "/meeting/api/templates/a%20b").status == .badRequest)
            #expect(try await api.get("/meeting/api/templates").data["total"] as? Int == 1)
        }
    }

    @Test("reservations: create and list (all, by room); each refusal names its field")
    func reservations() async throws {
        try await MeetingFixture.make().run { api in
            func body(room: String = "r1", start: String, end: String, extra: String = "") -> String {
                #"{"room_id":"\#(room)","title":"Review","start_time":"\#(start)","end_time":"\#(end)","host":"ann","participants":["ann","bob"]\#(extra)}"#
            }
            let start = meetingTime(hours: 1)
            let first = try await api.post("/meeting/api/reservations", body(start: start, end: meetingTime(hours: 2)))
            #expect(first.status == .ok)
            #expect(first.data["participants"] as? [String] == ["ann", "bob"])
            #expect(first.data["template_id"] is NSNull)
            #expect(first.data["start_time"] as? String == start)
            // Back to back is no overlap; another room is independent.
            #expect(
                try await api.post(
                    "/meeting/api/reservations",
                    body(start: meetingTime(hours: 2), end: meetingTime(hours: 3))
                ).status == .ok)
            #expect(
                try await api.post(
                    "/meeting/api/reservations",
                    body(room: "r2", start: meetingTime(hours: 1), end: meetingTime(hours: 2))
                ).status == .ok)
            let offset = try await api.post(
                "/meeting/api/reservations",
                body(
                    start: "2099-01-01T10:00:00+02:00", end: "2099-01-01T09:30:00Z"))
            #expect(offset.status == .ok && offset.data["start_time"] as? String == "2099-01-01T08:00:00Z")

            let overlap = try await api.post(
                "/meeting/api/reservations",
                body(start: meetingTime(hours: 1.5), end: meetingTime(hours: 2.5)))
            #expect(overlap.status == .conflict && overlap.message.contains("start_time"))
            let backwards = try await api.post(
                "/meeting/api/reservations",
                body(start: meetingTime(hours: 5), end: meetingTime(hours: 4)))
            #expect(backwards.status == .unprocessableContent && backwards.message.contains("end_time"))
            let past = try await api.post(
                "/meeting/api/reservations",
                body(start: meetingTime(hours: -2), end: meetingTime(hours: -1)))
            #expect(past.status == .unprocessableContent && past.message.contains("start_time"))
            let notRFC = try await api.post(
                "/meeting/api/reservations", body(start: "tomorrow", end: meetingTime(hours: 9)))
            #expect(notRFC.status == .badRequest && notRFC.message.contains("start_time"))
            let noZone = try await api.post(
                "/meeting/api/reservations",
                body(start: "2099-01-01T10:00:00", end: "2099-01-01T11:00:00Z"))
            #expect(noZone.status == .badRequest)
            let badDay = try await api.post(
                "/meeting/api/reservations",
                body(start: "2099-02-30T10:00:00Z", end: "2099-03-01T11:00:00Z"))
            #expect(badDay.status == .badRequest)
            let noTemplate = try await api.post(
                "/meeting/api/reservations",
                body(
                    start: meetingTime(hours: 10), end: meetingTime(hours: 11), extra: #","template_id":"nope""#))
            #expect(noTemplate.status == .notFound && noTemplate.message.contains("template_id"))
            let duplicate = try await api.post(
                "/meeting/api/reservations",
                #"{"room_id":"r1","title":"T","start_time":"\#(meetingTime(hours: 20))","end_time":"\#(meetingTime(hours: 21))","host":"ann","participants":["x","x"]}"#
            )
            #expect(duplicate.status == .badRequest && duplicate.message.contains("participants[1]"))
            let missing = try await api.post("/meeting/api/reservations", #"{"room_id":"r1","title":"T"}"#)
            #expect(missing.status == .badRequest && missing.message.contains("start_time"))

            let template = try await api.post("/meeting/api/templates", #"{"name":"T"}"#)
            let templateID = try #require(template.data["id"] as? String)
            #expect(
                try await api.post(
                    "/meeting/api/reservations",
                    body(
                        start: meetingTime(hours: 30), end: meetingTime(hours: 31),
                        extra: #","template_id":"\#(templateID)""#)
                ).data["template_id"] as? String == templateID)

            let all = try await api.get("/meeting/api/reservations")
            #expect(all.data["total"] as? Int == 5)
            let r2 = try await api.get("/meeting/api/reservations?room_id=r2")
            #expect(r2.data["total"] as? Int == 1 && r2.list("reservations").first?["room_id"] as? String == "r2")
            #expect(try await api.get("/meeting/api/reservations?room_id=a%20b").status == .badRequest)
        }
    }
}
