import Foundation

/// Results shared by the cases of one run, computed once (e.g. "is /api/v1/stats disabled on this target?").
public actor RunMemo {
    private var tasks: [String: Task<any Sendable, Never>] = [:]

    public init() {}

    public func value<T: Sendable>(_ key: String, _ compute: @escaping @Sendable () async -> T) async -> T {
        if let task = tasks[key] {
            let value = await task.value
            if let typed = value as? T { return typed }
        }
        let task = Task<any Sendable, Never> { await compute() }
        tasks[key] = task
        let value = await task.value
        // The cast cannot fail: the task was made from `compute` of this very type.
        if let typed = value as? T { return typed }
        return await compute()
    }
}

/// What one case sees: the options, an HTTP client, its own wire log and variables, and the run's shared memo.
public final class CaseContext: @unchecked Sendable {
    public let options: RunOptions
    public let target: Target
    public let client: HTTPClient
    public let memo: RunMemo
    private let lock = NSLock()
    private var exchanges: [WireExchange] = []
    private var variables: [String: String] = [:]

    public init(options: RunOptions, target: Target, memo: RunMemo) {
        self.options = options
        self.target = target
        self.client = HTTPClient(target: target, insecure: options.insecure, timeoutScale: options.timeoutScale)
        self.memo = memo
        var builtIn: [String: String] = ["host": target.hostHeader, "origin": options.origin]
        builtIn["apiKey"] = options.apiKey
        builtIn["jwtSecret"] = options.jwtSecret
        self.variables = builtIn
    }

    public var wireLog: [WireExchange] { lock.withLock { exchanges } }

    public func record(_ exchange: WireExchange) { lock.withLock { exchanges.append(exchange) } }

    public func record(_ more: [WireExchange]) { lock.withLock { exchanges += more } }

    public func variable(_ name: String) -> String? { lock.withLock { variables[name] } }

    public func setVariable(_ name: String, _ value: String) { lock.withLock { variables[name] = value } }

    /// Sends a request and records it; a transport failure stops the case as BROKEN (never FAIL).
    @discardableResult
    public func send(_ request: HTTPRequest) async throws(CaseStop) -> HTTPResponse {
        let (result, exchange) = await client.send(request)
        record(exchange)
        switch result {
        case .success(let response): return response
        case .failure(let error):
            throw CaseStop.broken("\(request.method) \(request.path): \(error) [phase: \(error.phase)]")
        }
    }

    /// Sends without stopping the case; for probes whose failure is itself evidence.
    public func trySend(_ request: HTTPRequest) async -> (Result<HTTPResponse, TransportError>, WireExchange) {
        await client.send(request)
    }

    /// The `--api-key` value, or SKIP naming the missing option.
    public func requireAPIKey() throws(CaseStop) -> String {
        guard let key = options.apiKey, !key.isEmpty else { throw .skip("needs --api-key") }
        return key
    }

    public func requireJWTSecret() throws(CaseStop) -> String {
        guard let secret = options.jwtSecret, !secret.isEmpty else {
            throw .skip("needs --jwt-secret to verify the signature and decrypt the payload")
        }
        return secret
    }

    /// Replaces `${name}` with variables; an unknown variable stops the case as BROKEN (a harness error).
    public func substitute(_ text: String) throws(CaseStop) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw .broken("unterminated ${ in \"\(text)\"")
            }
            let name = String(rest[start.upperBound..<end])
            var value = variable(name)
            if value == nil { value = try builtInValue(name) }
            guard let value else {
                if name == "apiKey" || name == "apiKeyOtherCase" { throw .skip("needs --api-key") }
                if name == "jwtSecret" { throw .skip("needs --jwt-secret") }
                throw .broken("unknown variable ${\(name)} in \"\(text)\"")
            }
            out += value
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private func builtInValue(_ name: String) throws(CaseStop) -> String? {
        switch name {
        case "apiKeyOtherCase":
            // The key with every letter's case swapped: equal to it under a case-insensitive compare only.
            guard let key = options.apiKey, !key.isEmpty else { return nil }
            let swapped = key.map { $0.isUppercase ? $0.lowercased() : $0.uppercased() }.joined()
            if swapped == key { throw .skip("the --api-key has no letters, so no other-case variant exists") }
            return swapped
        case "uuid": return UUID().uuidString.lowercased()
        case "random": return "conform-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        default: return nil
        }
    }
}
