import Foundation

/// Reads `spec/scenarios/**/*.yaml` into cases. A malformed file is a load error naming the file and case.
public enum ScenarioLoader {
    public typealias Precondition = @Sendable (CaseContext, String) async throws -> Void

    /// Preconditions scenarios may name under `requires:`; suites register theirs here.
    public static func preconditions() -> [String: Precondition] {
        MiroTalkRoutes.scenarioPreconditions
    }

    public static func loadAll(directory: URL, documents: SpecDocuments) throws -> [ConformanceCase] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory.path) else { return [] }
        var cases: [ConformanceCase] = []
        let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            do {
                cases += try parse(yaml: text, documents: documents).map { makeCase($0, documents: documents) }
            } catch {
                throw ConformanceCatalogue.LoadError(description: "spec/scenarios/\(file): \(error)")
            }
        }
        return cases
    }

    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    public static func parse(yaml text: String, documents: SpecDocuments) throws -> [Scenario] {
        let root = try JSONValue.parseYAML(text)
        let document = root["document"]?.stringValue ?? ""
        let referenceDocument = root["reference"]?.stringValue ?? "spec/\(document).yaml"
        guard let list = root["cases"]?.arrayValue else { throw FormatError(description: "no `cases:` list") }
        return try list.map { node in
            guard let id = node["id"]?.stringValue, let title = node["title"]?.stringValue else {
                throw FormatError(description: "a case without id or title")
            }
            guard let severity = Severity(rawValue: node["severity"]?.stringValue ?? "") else {
                throw FormatError(description: "\(id): severity must be MUST, SHOULD or INFO")
            }
            var requires: [(String, String)] = []
            if case .object(let pairs)? = node["requires"] {
                for (name, argument) in pairs {
                    guard preconditions()[name] != nil else {
                        throw FormatError(description: "\(id): unknown precondition \(name)")
                    }
                    requires.append((name, argument.stringValue ?? argument.compactText))
                }
            }
            let steps = try (node["steps"]?.arrayValue ?? []).map { try parseStep($0, id: id) }
            guard !steps.isEmpty else { throw FormatError(description: "\(id): no steps") }
            let scenario = Scenario(
                id: id, title: title, severity: severity,
                reference: SpecReference(
                    node["reference"]?.stringValue ?? referenceDocument, node["section"]?.stringValue ?? ""),
                requirement: node["requirement"]?.stringValue ?? title, requires: requires, document: document,
                setup: try (node["setup"]?.arrayValue ?? []).map { try parseStep($0, id: id) },
                steps: steps,
                cleanup: try (node["cleanup"]?.arrayValue ?? []).map { try parseStep($0, id: id) })
            for step in scenario.steps {
                if let op = step.expect.schemaOperation,
                    !(documents.documents[document]?.operationIds.contains(op) ?? false)
                {
                    throw FormatError(description: "\(id): operation \(op) is not in spec/\(document).yaml")
                }
            }
            return scenario
        }
    }

    static func parseStep(_ node: JSONValue, id: String) throws -> Scenario.Step {
        guard let request = node["request"], let method = request["method"]?.stringValue,
            let path = request["path"]?.stringValue
        else {
            throw FormatError(description: "\(id): a step needs request.method and request.path")
        }
        var headers: [(String, String)] = []
        if case .object(let pairs)? = request["headers"] {
            headers = pairs.map { ($0.0, $0.1.stringValue ?? $0.1.compactText) }
        }
        var expect = Scenario.Expectation()
        let e = node["expect"] ?? .object([])
        switch e["status"] {
        case .number(let n, _)?: expect.statuses = [Int(n)]
        case .array(let items)?: expect.statuses = items.compactMap { $0.doubleValue.map(Int.init) }
        default: break
        }
        if case .object(let pairs)? = e["headers"] {
            expect.headers = try pairs.map { name, rule in
                switch rule {
                case .string(let s): return .init(name: name, rule: .equals(s))
                case .object:
                    if let s = rule["contains"]?.stringValue { return .init(name: name, rule: .contains(s)) }
                    if let s = rule["matches"]?.stringValue { return .init(name: name, rule: .matches(s)) }
                    if let list = rule["oneOf"]?.arrayValue {
                        return .init(name: name, rule: .oneOf(list.compactMap(\.stringValue)))
                    }
                    if rule["present"]?.boolValue == true { return .init(name: name, rule: .present) }
                    if rule["absent"]?.boolValue == true { return .init(name: name, rule: .absent) }
                    fallthrough
                default: throw FormatError(description: "\(id): bad header expectation for \(name)")
                }
            }
        }
        expect.bodyEquals = e["body"]
        expect.jsonAssertions = try (e["json"]?.arrayValue ?? []).map { item in
            guard let path = item["path"]?.stringValue else {
                throw FormatError(description: "\(id): json assertion without path")
            }
            if let v = item["equals"] { return .init(path: path, rule: .equals(v)) }
            if let t = item["type"]?.stringValue { return .init(path: path, rule: .type(t)) }
            if let m = item["matches"]?.stringValue { return .init(path: path, rule: .matches(m)) }
            if let p = item["prefix"]?.stringValue { return .init(path: path, rule: .hasPrefix(p)) }
            if let x = item["exists"]?.boolValue { return .init(path: path, rule: .exists(x)) }
            if let o = item["oneOf"]?.arrayValue { return .init(path: path, rule: .oneOf(o)) }
            throw FormatError(description: "\(id): json assertion on \(path) has no rule")
        }
        if case .object(let pairs)? = e["keyOrder"] {
            expect.keyOrders = pairs.map { ($0.0, $0.1.arrayValue?.compactMap(\.stringValue) ?? []) }
        }
        expect.schemaOperation = e["schema"]?.stringValue
        var captures: [(String, String)] = []
        if case .object(let pairs)? = node["capture"] { captures = pairs.map { ($0.0, $0.1.stringValue ?? "") } }
        return Scenario.Step(
            method: method.uppercased(), path: path, headers: headers,
            rawBody: request["body"]?.stringValue, jsonBody: request["json"], expect: expect,
            captures: captures)
    }

    static func makeCase(_ scenario: Scenario, documents: SpecDocuments) -> ConformanceCase {
        ConformanceCase(
            id: scenario.id, title: scenario.title, severity: scenario.severity,
            reference: scenario.reference, requirement: scenario.requirement
        ) { context in
            try await ScenarioExecutor(scenario: scenario, documents: documents, context: context).run()
        }
    }
}
