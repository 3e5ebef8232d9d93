import Foundation
import Fixtures
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ParleyConfig
import ParleyRooms
import ParleyStore
import ServiceLifecycle

@testable import ParleyHTTP

/// Counts the requests that reach the router (its middleware sees every one), so a test knows which requests the
/// event-loop path answered; and serves `/test/slow`, a route that answers after 300 ms.
final class RouterProbeFace: APIFace, @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    var routerPaths: [String] { lock.withLock { paths } }

    func middlewares(services: ParleyServices) -> [ParleyMiddleware] {
        [ProbeMiddleware(face: self)]
    }

    func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        router.get("/test/slow") { _, _ -> String in
            try await Task.sleep(for: .milliseconds(300))
            return "slow"
        }
    }

    fileprivate func saw(_ path: String) { lock.withLock { paths.append(path) } }

    struct ProbeMiddleware: RouterMiddleware {
        typealias Context = ParleyRequestContext
        let face: RouterProbeFace

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
            async throws -> Response
        {
            face.saw(request.uri.path)
            return try await next(request, context)
        }
    }
}

/// One running Parley server on 127.0.0.1 (plain HTTP), with a fixed clock (the registry's too) so bodies with
/// timestamps compare.
struct LiveParley: Sendable {
    let port: Int
    let probe: RouterProbeFace
    let rooms: InMemoryRoomDirectory
    let services: ParleyServices

    /// Runs `body` against a started server, then shuts it down gracefully.
    static func with<T: Sendable>(
        immediate: Bool, configure: (inout ParleyConfig) -> Void = { _ in },
        idleTimeout: TimeAmount = .seconds(75),
        _ body: @Sendable (LiveParley) async throws -> T
    ) async throws -> T {
        var config = ParleyConfig()
        config.http.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.http.immediateRoutes = immediate
        configure(&config)
        let clock = ManualClock()
        let rooms = InMemoryRoomDirectory(clock: clock)
        let services = ParleyServices(
            config: config, rooms: rooms, database: try ParleyDatabase.inMemory(),
            secrets: ResolvedSecrets(
                apiKeySecret: "test-api-key", jwtSecret: "test-jwt-secret", authSecret: "test-auth-secret"),
            metrics: ParleyMetrics.registry, clock: clock, logger: Logger(label: "test"))
        let probe = RouterProbeFace()
        let port = PortWaiter()
        let app = ParleyServer.makeApplication(
            services: services, faces: ParleyServer.defaultFaces + [probe], tls: nil, idleTimeout: idleTimeout,
            onServerRunning: { channel in await port.set(channel.localAddress?.port ?? 0) })
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let live = LiveParley(port: await port.wait(), probe: probe, rooms: rooms, services: services)
            do {
                let result = try await body(live)
                await group.triggerGracefulShutdown()
                // A connection the shutdown fails to close would keep the server running: bounded.
                tasks.addTask {
                    try await Task.sleep(for: .seconds(30))
                    throw ShutdownTimedOut()
                }
                _ = try await tasks.next()
                tasks.cancelAll()
                return result
            } catch {
                tasks.cancelAll()
                throw error
            }
        }
    }

    struct ShutdownTimedOut: Error {}

    func connect() async throws -> RawConnection { try await RawConnection.open(port: port) }

    /// Sends `request` on a new connection and reads `count` responses (or until the server closes); then waits
    /// for the server to close the connection, up to `closeWithin` (a short look when no close is expected).
    /// A `warmUp` request goes first, alone, and its answer counts among the `count`.
    func exchange(
        _ request: String, responses count: Int = 1, heads: Set<Int> = [], warmUp: String? = nil,
        closeWithin: Duration = .milliseconds(100)
    ) async throws -> RawConnection.Exchange {
        let connection = try await connect()
        defer { connection.close() }
        if let warmUp {
            try await connection.send(warmUp)
            _ = try await connection.read(responses: 1)
        }
        try await connection.send(request)
        var reply = try await connection.read(responses: count, bodiless: heads)
        reply.closedByServer = try await connection.waitForClose(timeout: closeWithin)
        return reply
    }
}

/// One client TCP connection that collects every byte the server sends.
final class RawConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    struct Exchange: Sendable, Equatable {
        /// The responses as received, in order.
        var responses: [String]
        var closedByServer: Bool

        /// `Date` and a generated `X-Request-Id` replaced by placeholders: the only bytes allowed to differ.
        func masked(keepingRequestID kept: String? = nil) -> Exchange {
            var copy = self
            copy.responses = responses.map { response in
                response.components(separatedBy: "\r\n").map { line -> String in
                    let lower = line.lowercased()
                    if lower.hasPrefix("date: ") { return "Date: <date>" }
                    if lower.hasPrefix("x-request-id: "), line.dropFirst(14) != kept ?? "" {
                        return "X-Request-Id: <generated>"
                    }
                    return line
                }.joined(separator: "\r\n")
            }
            return copy
        }
    }

    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var closed = false
    private var channel: (any Channel)?

    static func open(port: Int) async throws -> RawConnection {
        let connection = RawConnection()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.pipeline.addHandler(connection) }
            .connect(host: "127.0.0.1", port: port).get()
        connection.lock.withLock { connection.channel = channel }
        return connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        lock.withLock { bytes.append(contentsOf: buffer.readableBytesView) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        lock.withLock { closed = true }
        context.fireChannelInactive()
    }

    func send(_ text: String) async throws {
        let channel = lock.withLock { self.channel }
        try await channel?.writeAndFlush(ByteBuffer(string: text)).get()
    }

    var isClosed: Bool { lock.withLock { closed } }

    /// Waits (bounded: the machine is loaded) until `count` whole responses arrived or the server closed;
    /// responses to HEAD (their indices in `bodiless`) carry no body whatever their Content-Length says.
    func read(responses count: Int, bodiless: Set<Int> = [], timeout: Duration = .seconds(20)) async throws
        -> Exchange
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (received, isClosed) = lock.withLock { (bytes, closed) }
            let responses = Self.split(received, bodiless: bodiless)
            if responses.count >= count || isClosed || ContinuousClock.now >= deadline {
                return Exchange(responses: responses, closedByServer: isClosed)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the server closes the connection; false when it is still open at the deadline.
    func waitForClose(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isClosed { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return isClosed
    }

    func close() {
        let channel = lock.withLock { self.channel }
        channel?.close(promise: nil)
    }

    /// Whole responses (head + Content-Length bytes of body) in `bytes`; an incomplete tail is left out.
    static func split(_ bytes: [UInt8], bodiless: Set<Int>) -> [String] {
        var responses: [String] = []
        var start = 0
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while start < bytes.count {
            guard let headEnd = find(separator, in: bytes, from: start) else { break }
            let head = String(decoding: bytes[start..<headEnd], as: UTF8.self)
            var length = 0
            if !bodiless.contains(responses.count) {
                for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            let end = headEnd + separator.count + length
            guard end <= bytes.count else { break }
            responses.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return responses
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
