import Foundation

/// Validates JSON instances against the JSON Schema (2020-12) subset our OpenAPI 3.1 documents use:
/// `type` (string or array, so `[string, "null"]` expresses nullable), `required`, `properties`,
/// `additionalProperties` (bool or schema), `items`, `enum`, `const`, `format` (date-time, uri, uuid),
/// `pattern`, `minimum`, `maximum`, `minLength`, `oneOf`, `anyOf`, `allOf` and local `$ref` (`#/...`).
/// Unknown keywords are ignored, as JSON Schema says. No package validates instances, hence this.
public struct JSONSchemaValidator: Sendable {
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "\(path.isEmpty ? "$" : path): \(message)" }
    }

    /// The document `$ref`s resolve against (the whole OpenAPI document).
    public let root: JSONValue

    public init(root: JSONValue) { self.root = root }

    public func validate(_ instance: JSONValue, against schema: JSONValue) -> [Violation] {
        var out: [Violation] = []
        check(instance, schema, path: "$", depth: 0, into: &out)
        return out
    }

    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node: JSONValue? = root
        for raw in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, path: String, depth: Int, into out: inout [Violation]) {
        guard depth < 64 else { out.append(.init(path: path, message: "schema nesting too deep")); return }
        if case .bool(let allowed) = schema {
            if !allowed { out.append(.init(path: path, message: "no value is allowed here")) }
            return
        }
        if let reference = schema["$ref"]?.stringValue {
            guard let target = resolve(reference) else {
                out.append(.init(path: path, message: "unresolvable $ref \(reference)")); return
            }
            check(value, target, path: path, depth: depth + 1, into: &out)
        }
        if let typeViolation = checkType(value, schema["type"]) {
            out.append(.init(path: path, message: typeViolation)); return
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(value) {
            out.append(
                .init(path: path, message: "\(value.compactText) is not one of \(JSONValue.array(choices).compactText)")
            )
        }
        if let constant = schema["const"], constant != value {
            out.append(.init(path: path, message: "\(value.compactText) is not \(constant.compactText)"))
        }
        checkString(value, schema, path: path, into: &out)
        checkNumber(value, schema, path: path, into: &out)
        checkObject(value, schema, path: path, depth: depth, into: &out)
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() {
                check(item, itemSchema, path: "\(path)[\(i)]", depth: depth + 1, into: &out)
            }
        }
        checkCombinators(value, schema, path: path, depth: depth, into: &out)
    }

    private func checkType(_ value: JSONValue, _ type: JSONValue?) -> String? {
        let allowed: [String]
        switch type {
        case .string(let one)?: allowed = [one]
        case .array(let many)?: allowed = many.compactMap(\.stringValue)
        default: return nil
        }
        let actual = value.typeName
        if allowed.contains(actual) || (actual == "integer" && allowed.contains("number")) { return nil }
        return "expected \(allowed.joined(separator: " or ")), found \(actual) \(value.compactText.prefix(60))"
    }

    private func checkString(_ value: JSONValue, _ schema: JSONValue, path: String, into out: inout [Violation]) {
        guard case .string(let text) = value else { return }
        if let format = schema["format"]?.stringValue, !Self.matches(format: format, text) {
            out.append(.init(path: path, message: "\"\(text.prefix(80))\" is not a valid \(format)"))
        }
        if let pattern = schema["pattern"]?.stringValue {
            if let regex = try? NSRegularExpression(pattern: pattern) {
                let range = NSRange(text.startIndex..., in: text)
                if regex.firstMatch(in: text, range: range) == nil {
                    out.append(.init(path: path, message: "\"\(text.prefix(80))\" does not match /\(pattern)/"))
                }
            } else {
                out.append(.init(path: path, message: "schema pattern /\(pattern)/ does not compile"))
            }
        }
        if let minimum = schema["minLength"]?.doubleValue, Double(text.count) < minimum {
            out.append(.init(path: path, message: "shorter than \(Int(minimum)) characters"))
        }
    }

    private func checkNumber(_ value: JSONValue, _ schema: JSONValue, path: String, into out: inout [Violation]) {
        guard case .number(let number, _) = value else { return }
        if let minimum = schema["minimum"]?.doubleValue, number < minimum {
            out.append(.init(path: path, message: "\(number) is below the minimum \(minimum)"))
        }
        if let maximum = schema["maximum"]?.doubleValue, number > maximum {
            out.append(.init(path: path, message: "\(number) is above the maximum \(maximum)"))
        }
    }

    private func checkObject(
        _ value: JSONValue, _ schema: JSONValue, path: String, depth: Int,
        into out: inout [Violation]
    ) {
        guard case .object(let members) = value else { return }
        let keys = Set(members.map(\.0))
        for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !keys.contains(required) {
            out.append(.init(path: path, message: "required property \"\(required)\" is missing"))
        }
        let properties = schema["properties"]
        for (key, member) in members {
            let childPath = "\(path).\(key)"
            if let propertySchema = properties?[key] {
                check(member, propertySchema, path: childPath, depth: depth + 1, into: &out)
            } else if let additional = schema["additionalProperties"] {
                if case .bool(false) = additional {
                    out.append(.init(path: childPath, message: "property \"\(key)\" is not allowed"))
                } else {
                    check(member, additional, path: childPath, depth: depth + 1, into: &out)
                }
            }
        }
    }

    private func checkCombinators(
        _ value: JSONValue, _ schema: JSONValue, path: String, depth: Int,
        into out: inout [Violation]
    ) {
        if let all = schema["allOf"]?.arrayValue {
            for sub in all { check(value, sub, path: path, depth: depth + 1, into: &out) }
        }
        if let any = schema["anyOf"]?.arrayValue {
            let passing = any.filter { validateNested(value, $0, path: path, depth: depth).isEmpty }
            if passing.isEmpty { out.append(.init(path: path, message: "matches none of anyOf")) }
        }
        if let one = schema["oneOf"]?.arrayValue {
            let results = one.map { validateNested(value, $0, path: path, depth: depth) }
            let passing = results.filter(\.isEmpty).count
            if passing == 0 {
                let closest = results.min(by: { $0.count < $1.count }) ?? []
                out.append(
                    .init(
                        path: path,
                        message:
                            "matches none of oneOf (closest: \(closest.map(\.description).joined(separator: "; ")))"))
            } else if passing > 1 {
                out.append(.init(path: path, message: "matches \(passing) of oneOf, exactly one expected"))
            }
        }
    }

    private func validateNested(_ value: JSONValue, _ schema: JSONValue, path: String, depth: Int) -> [Violation] {
        var out: [Violation] = []
        check(value, schema, path: path, depth: depth + 1, into: &out)
        return out
    }

    /// The formats our specs use. date-time is RFC 3339 §5.6; uri needs a scheme (RFC 3986 §3); uuid is RFC 9562.
    public static func matches(format: String, _ text: String) -> Bool {
        switch format {
        case "date-time":
            return text.range(
                of: #"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#,
                options: .regularExpression) != nil
        case "uri":
            return text.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$"#, options: .regularExpression) != nil
                && URLComponents(string: text) != nil
        case "uuid":
            return text.range(
                of: #"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#,
                options: .regularExpression) != nil
        default:
            return true
        }
    }
}
