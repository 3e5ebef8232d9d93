import Foundation

/// The `room-ws` profile: Parley's room WebSocket (`/room/{room_id}?type=meeting`) as spec/room-ws.asyncapi.yaml and
/// docs/contracts.md §Room WebSocket describe it. Each case plays one or more participants in a room of its own;
/// every frame they receive is validated against the AsyncAPI document.
public enum RoomSocketSuite {
    public static func cases(schema: RoomSocketSchema) -> [ConformanceCase] {
        joinCases(schema) + credentialCases(schema) + presenceCases(schema) + chatCases(schema)
            + collaborationCases(schema) + moderationCases(schema) + robustnessCases(schema)
    }

    static func contracts(_ what: String) -> SpecReference {
        SpecReference("docs/contracts.md", "§Room WebSocket: \(what)")
    }

    static func rights(_ what: String) -> SpecReference {
        SpecReference("docs/contracts.md", "§Who may do what: \(what)")
    }

    static func asyncapi(_ message: String) -> SpecReference {
        SpecReference("spec/room-ws.asyncapi.yaml", "components.messages.\(message)")
    }

    /// A case whose body gets a fresh socket scope; the scope's schema check and clean-up run whatever happens.
    static func socketCase(
        _ slug: String, _ title: String, severity: Severity = .must, reference: SpecReference, requirement: String,
        schema: RoomSocketSchema, profile: String = "room-ws", area: String? = nil,
        body: @escaping @Sendable (RoomSocketScope) async throws -> CaseOutcome
    ) -> ConformanceCase {
        ConformanceCase(
            id: area.map { "\(profile)/\($0)/\(slug)" } ?? "\(profile)/\(slug)", title: title, severity: severity,
            reference: reference, requirement: requirement
        ) { context in
            let scope = RoomSocketScope(context: context, schema: schema)
            let outcome: CaseOutcome
            do { outcome = try await body(scope) } catch let stop as CaseStop { outcome = stop.outcome } catch {
                outcome = .broken(reason: "harness error: \(error)")
            }
            return await scope.finish(outcome)
        }
    }

    static func check(_ condition: Bool, expected: @autoclosure () -> String, observed: @autoclosure () -> String)
        throws(CaseStop)
    {
        if !condition { throw .violated(expected: expected(), observed: observed()) }
    }

    /// The user ids of a `joined` participant list, in order.
    static func participantIDs(_ joined: JSONValue?) -> [String] {
        (joined?["data"]?["participants"]?.arrayValue ?? []).compactMap { $0["user_id"]?.stringValue }
    }
}
