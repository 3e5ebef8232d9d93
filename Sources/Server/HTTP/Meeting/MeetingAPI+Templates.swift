import Foundation
import Hummingbird
import ParleyStore

/// Templates: named room settings. `PUT` replaces every setting (omitted optional fields take their defaults).
/// Rooms copy a template's settings when created, so editing or deleting a template never changes a live room.
extension MeetingAPI {
    static let templateFields: Set<String> = [
        "name", "description", "max_participants", "lobby", "chat_muted_on_join", "record_on_start",
    ]

    func registerTemplates(on router: some RouterMethods<ParleyRequestContext>) {
        let p = Self.prefix
        router.get("\(p)/templates") { _, _ in
            let list = try await fromStore { try await rows.templates() }.map(MeetingModels.Template.init)
            return try MeetingReply.ok(MeetingModels.TemplateList(total: list.count, templates: list))
        }
        router.post("\(p)/templates") { request, context in
            let now = clock.now
            let template = try await readTemplate(request, context: context, id: MeetingStore.newID(), now: now)
            try await fromStore { try await rows.insertTemplate(template) }
            return try MeetingReply.ok(MeetingModels.Template(template))
        }
        router.get("\(p)/templates/:id") { _, context in
            let id = try Self.opaqueID(context)
            guard let template = try await fromStore({ try await rows.template(id) }) else {
                throw MonibucaError.notFound("template not found")
            }
            return try MeetingReply.ok(MeetingModels.Template(template))
        }
        router.put("\(p)/templates/:id") { request, context in
            let id = try Self.opaqueID(context)
            let template = try await readTemplate(request, context: context, id: id, now: clock.now)
            let updated = try await fromStore {
                do {
                    return try await rows.updateTemplate(template)
                } catch MeetingStoreError.templateNotFound {
                    throw MonibucaError.notFound("template not found")
                }
            }
            return try MeetingReply.ok(MeetingModels.Template(updated))
        }
        router.delete("\(p)/templates/:id") { _, context in
            let id = try Self.opaqueID(context)
            guard try await fromStore({ try await rows.deleteTemplate(id) }) else {
                throw MonibucaError.notFound("template not found")
            }
            return try MeetingReply.ok(MeetingModels.Deleted(id: id))
        }
    }

    func readTemplate(_ request: Request, context: ParleyRequestContext, id: String, now: Date) async throws
        -> MeetingTemplateRecord
    {
        let body = try await MeetingBody.read(request, context: context, allowed: Self.templateFields)
        guard let name = try body.text("name", required: true, maxLength: 128) else {
            throw MeetingBody.invalid("name", "is required")
        }
        var description = ""
        if body.value("description") != nil {
            let text = try body.requiredString("description")
            guard text.unicodeScalars.count <= 1024 else {
                throw MeetingBody.invalid("description", "longer than 1024 characters")
            }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw MeetingBody.invalid("description", "contains control characters")
            }
            description = text
        }
        return MeetingTemplateRecord(
            id: id, name: name, description: description,
            maxParticipants: try body.int("max_participants", in: 1...maxParticipantsCap),
            lobby: try body.bool("lobby") ?? false, chatMutedOnJoin: try body.bool("chat_muted_on_join") ?? false,
            recordOnStart: try body.bool("record_on_start") ?? false, createdAt: now, updatedAt: now)
    }
}
