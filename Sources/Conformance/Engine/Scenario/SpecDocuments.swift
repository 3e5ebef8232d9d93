import Foundation
import OpenAPIKit
import Yams

/// The OpenAPI documents under `spec/`: OpenAPIKit parses and validates each (so a broken document is a load
/// error, not a silent pass), and the raw JSON tree is kept for instance validation with `JSONSchemaValidator`.
public struct SpecDocuments: Sendable {
    public struct Document: Sendable {
        public let name: String
        public let raw: JSONValue
        public let operationIds: [String]
        public let version: String
    }

    public private(set) var documents: [String: Document] = [:]

    public init(directory: URL) throws {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".yaml") && !file.contains("asyncapi") {
            let url = directory.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            try add(name: String(file.dropLast(5)), yaml: text)
        }
    }

    public init() {}

    public mutating func add(name: String, yaml text: String) throws {
        guard text.contains("openapi:") else { return }
        let parsed: OpenAPI.Document
        do {
            parsed = try YAMLDecoder().decode(OpenAPI.Document.self, from: text)
            _ = try parsed.validate(strict: false)
        } catch {
            throw ConformanceCatalogue.LoadError(
                description: "spec/\(name).yaml is not a valid OpenAPI 3.1 document: \(error)")
        }
        documents[name] = Document(
            name: name, raw: try JSONValue.parseYAML(text),
            operationIds: parsed.allOperationIds, version: parsed.info.version)
    }

    /// The JSON schema of the `application/json` response of an operation for a status, with its document.
    public func responseSchema(document: String, operationId: String, status: Int) -> (
        schema: JSONValue, root: JSONValue
    )? {
        guard let doc = documents[document], case .object(let paths)? = doc.raw["paths"] else { return nil }
        for (_, item) in paths {
            guard case .object(let methods) = item else { continue }
            for (_, operation) in methods where operation["operationId"]?.stringValue == operationId {
                guard let response = operation["responses"]?[String(status)] ?? operation["responses"]?["default"],
                    let schema = response["content"]?["application/json"]?["schema"]
                else { return nil }
                return (schema, doc.raw)
            }
        }
        return nil
    }

    /// Validates a response body against its operation's schema; nil = valid, else the violations as text.
    public func violations(document: String, operationId: String, status: Int, body: JSONValue) -> [String]? {
        guard let (schema, root) = responseSchema(document: document, operationId: operationId, status: status) else {
            return ["spec/\(document).yaml has no JSON schema for \(operationId) \(status)"]
        }
        let found = JSONSchemaValidator(root: root).validate(body, against: schema)
        return found.isEmpty ? nil : found.map(\.description)
    }
}
