/// A case written as data (`spec/scenarios/**/*.yaml`): HTTP steps with expectations, captures, setup and cleanup.
public struct Scenario: Sendable {
    public struct Step: Sendable {
        public var method: String
        public var path: String
        public var headers: [(String, String)]
        /// Raw body text (after `${}` substitution) or a JSON value to send.
        public var rawBody: String?
        public var jsonBody: JSONValue?
        public var expect: Expectation
        /// variable name → dotted JSON path in the response body.
        public var captures: [(String, String)]
    }

    public struct Expectation: Sendable {
        /// Any of these is acceptable; empty = any status.
        public var statuses: [Int] = []
        public var headers: [HeaderExpectation] = []
        /// The whole body must equal this JSON (key order not considered; see `keyOrders`).
        public var bodyEquals: JSONValue?
        public var jsonAssertions: [JSONAssertion] = []
        /// dotted path → exact key sequence of the object there.
        public var keyOrders: [(String, [String])] = []
        /// Validate the body against this operation's response schema for the received status.
        public var schemaOperation: String?
    }

    public struct HeaderExpectation: Sendable {
        public enum Rule: Sendable {
            case equals(String), contains(String), matches(String), present, absent, oneOf([String])
        }
        public let name: String
        public let rule: Rule
    }

    public struct JSONAssertion: Sendable {
        public enum Rule: Sendable {
            case equals(JSONValue), type(String), matches(String), exists(Bool), oneOf([JSONValue]), hasPrefix(String)
        }
        public let path: String
        public let rule: Rule
    }

    public var id: String
    public var title: String
    public var severity: Severity
    public var reference: SpecReference
    public var requirement: String
    /// Named preconditions with an argument, e.g. ("enabled", "stats"); registered by the suite.
    public var requires: [(String, String)]
    public var document: String
    public var setup: [Step]
    public var steps: [Step]
    public var cleanup: [Step]
}
