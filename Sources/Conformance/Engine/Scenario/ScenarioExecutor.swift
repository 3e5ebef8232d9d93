import Foundation

/// Runs one scenario: preconditions, setup, steps (stopping at the first unmet expectation), then cleanup always.
struct ScenarioExecutor {
    let scenario: Scenario
    let documents: SpecDocuments
    let context: CaseContext

    func run() async throws -> CaseOutcome {
        let preconditions = ScenarioLoader.preconditions()
        for (name, argument) in scenario.requires {
            try await preconditions[name]?(context, argument)
        }
        for step in scenario.setup {
            if let failure = try await perform(step) {
                return .broken(
                    reason: "setup step \(step.method) \(step.path) did not go as needed: \(failure.observed)")
            }
        }
        var outcome: CaseOutcome = .pass(observed: "")
        var observed: [String] = []
        do {
            for step in scenario.steps {
                if let failure = try await perform(step) {
                    outcome = .violated(expected: failure.expected, observed: failure.observed)
                    break
                }
                observed.append(lastSummary())
            }
        } catch {
            await runCleanup()
            throw error
        }
        await runCleanup()
        if case .pass = outcome { return .pass(observed: observed.joined(separator: "; ")) }
        return outcome
    }

    private func runCleanup() async {
        for step in scenario.cleanup { _ = try? await perform(step) }
    }

    private func lastSummary() -> String {
        guard let last = context.wireLog.last, let response = last.response else { return "" }
        return "\(last.request.method) \(last.request.url) → \(response.status) \(response.body.prefix(200))"
    }

    struct Failure { let expected: String; let observed: String }

    /// Sends a step's request and checks its expectations; returns the first unmet one.
    private func perform(_ step: Scenario.Step) async throws -> Failure? {
        var headers: [HeaderField] = []
        for (name, value) in step.headers { headers.append(HeaderField(name, try context.substitute(value))) }
        let path = try context.substitute(step.path)
        var request = HTTPRequest(method: step.method, path: path, headers: headers)
        if let raw = step.rawBody {
            request.body = Array(try context.substitute(raw).utf8)
        } else if let json = step.jsonBody {
            let text = try context.substitute(json.compactText)
            request = HTTPRequest(method: step.method, path: path, headers: headers, body: Array(text.utf8))
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                request.headers.append(HeaderField("Content-Type", "application/json"))
            }
        }
        let response = try await context.send(request)
        if let failure = check(step.expect, response) { return failure }
        for (name, path) in step.captures {
            guard let value = response.jsonValue?.value(at: path) else {
                return Failure(expected: "a value at \(path) to capture as ${\(name)}", observed: response.bodyText)
            }
            context.setVariable(name, value.stringValue ?? value.compactText)
        }
        return nil
    }

    func check(_ expect: Scenario.Expectation, _ response: HTTPResponse) -> Failure? {
        let shown = "\(response.status) \(response.bodyText.prefix(300))"
        if !expect.statuses.isEmpty && !expect.statuses.contains(response.status) {
            return Failure(expected: "status in \(expect.statuses)", observed: "status \(shown)")
        }
        for header in expect.headers {
            if let failure = check(header, response) { return failure }
        }
        let needsJSON =
            expect.bodyEquals != nil || !expect.jsonAssertions.isEmpty || !expect.keyOrders.isEmpty
            || expect.schemaOperation != nil
        guard needsJSON else { return nil }
        let body: JSONValue
        switch response.json {
        case .success(let value): body = value
        case .failure(let error): return Failure(expected: "a JSON body", observed: "\(error): \(shown)")
        }
        if let wanted = expect.bodyEquals, wanted != body {
            return Failure(expected: "body \(wanted.compactText)", observed: "body \(body.compactText)")
        }
        for assertion in expect.jsonAssertions {
            if let failure = check(assertion, body) { return failure }
        }
        for (path, keys) in expect.keyOrders {
            let actual = body.value(at: path)?.objectKeys
            if actual != keys {
                return Failure(
                    expected: "keys at \(path) in order \(keys)",
                    observed: actual.map { "keys \($0)" } ?? "no object at \(path)")
            }
        }
        if let operation = expect.schemaOperation,
            let violations = documents.violations(
                document: scenario.document, operationId: operation,
                status: response.status, body: body)
        {
            return Failure(
                expected: "body valid against spec/\(scenario.document).yaml \(operation) \(response.status)",
                observed: violations.joined(separator: "; "))
        }
        return nil
    }

    private func check(_ header: Scenario.HeaderExpectation, _ response: HTTPResponse) -> Failure? {
        let value = response.header(header.name)
        let ok: Bool
        let wanted: String
        switch header.rule {
        case .equals(let s): ok = value == s; wanted = "\(header.name): \(s)"
        case .contains(let s):
            ok = value?.lowercased().contains(s.lowercased()) ?? false; wanted = "\(header.name) containing \(s)"
        case .matches(let r):
            ok = value.map { $0.range(of: r, options: .regularExpression) != nil } ?? false;
            wanted = "\(header.name) matching /\(r)/"
        case .oneOf(let list): ok = value.map(list.contains) ?? false; wanted = "\(header.name) one of \(list)"
        case .present: ok = value != nil; wanted = "a \(header.name) header"
        case .absent: ok = value == nil; wanted = "no \(header.name) header"
        }
        return ok
            ? nil
            : Failure(expected: wanted, observed: value.map { "\(header.name): \($0)" } ?? "no \(header.name) header")
    }

    private func check(_ assertion: Scenario.JSONAssertion, _ body: JSONValue) -> Failure? {
        let value = body.value(at: assertion.path)
        let shown = value?.compactText ?? "nothing"
        switch assertion.rule {
        case .exists(let wanted):
            return (value != nil) == wanted
                ? nil
                : Failure(
                    expected: wanted ? "a value at \(assertion.path)" : "nothing at \(assertion.path)", observed: shown)
        case .equals(let wanted):
            return value == wanted
                ? nil
                : Failure(
                    expected: "\(assertion.path) = \(wanted.compactText)", observed: "\(assertion.path) = \(shown)")
        case .oneOf(let list):
            return value.map(list.contains) == true
                ? nil
                : Failure(expected: "\(assertion.path) one of \(JSONValue.array(list).compactText)", observed: shown)
        case .type(let t):
            let actual = value?.typeName
            let ok = actual == t || (t == "number" && actual == "integer")
            return ok
                ? nil : Failure(expected: "\(assertion.path) of type \(t)", observed: "\(actual ?? "missing") \(shown)")
        case .matches(let regex):
            let ok = value?.stringValue.map { $0.range(of: regex, options: .regularExpression) != nil } ?? false
            return ok ? nil : Failure(expected: "\(assertion.path) matching /\(regex)/", observed: shown)
        case .hasPrefix(let prefix):
            return value?.stringValue?.hasPrefix(prefix) == true
                ? nil
                : Failure(expected: "\(assertion.path) starting with \(prefix)", observed: shown)
        }
    }
}
