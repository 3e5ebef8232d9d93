import Foundation

/// `spec/room-ws.asyncapi.yaml` as a JSON tree: every server frame a room-ws case receives is validated against the
/// payload schema of the message its `event` names (the text `pong` against the `pong` message).
public struct RoomSocketSchema: Sendable {
    public static let fileName = "room-ws.asyncapi.yaml"
    public let root: JSONValue

    public init(root: JSONValue) { self.root = root }

    /// Loads the document from the spec directory; a missing or unparsable file is a load error.
    public init(directory: URL) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConformanceCatalogue.LoadError(description: "spec/\(Self.fileName) is missing")
        }
        do { root = try JSONValue.parseYAML(text) } catch {
            throw ConformanceCatalogue.LoadError(description: "spec/\(Self.fileName) does not parse: \(error)")
        }
        guard root["components"]?["messages"]?.objectKeys != nil else {
            throw ConformanceCatalogue.LoadError(description: "spec/\(Self.fileName) has no components.messages")
        }
    }

    /// The server events the document lists under `operations.sendServerEvents` (by message key).
    var serverEvents: Set<String> {
        let refs = root["operations"]?["sendServerEvents"]?["messages"]?.arrayValue ?? []
        return Set(refs.compactMap { $0["$ref"]?.stringValue?.split(separator: "/").last.map(String.init) })
    }

    /// Nil when the frame is a valid server message, else why not.
    public func violations(ofServerText text: String) -> [String]? {
        if text == "pong" { return nil }
        guard let frame = try? JSONValue.parse(text) else {
            return ["not JSON and not the text pong: \(text.prefix(80))"]
        }
        guard let event = frame["event"]?.stringValue else { return ["no string `event` in \(text.prefix(120))"] }
        guard serverEvents.contains(event), let payload = root["components"]?["messages"]?[event]?["payload"] else {
            return ["event \"\(event)\" is not a server message of the AsyncAPI document"]
        }
        let found = JSONSchemaValidator(root: root).validate(frame, against: payload)
        return found.isEmpty ? nil : found.map { "\(event) \($0.description)" }
    }
}
