import Foundation
import Hummingbird
import HTTPTypes
import Logging

/// Gives every request an id (the caller's `X-Request-Id` when it is short and printable, else Hummingbird's own),
/// puts it in the logger metadata and the response, applies the configured body limit, and logs one line per
/// request when it completes.
public struct RequestIdentityMiddleware: RouterMiddleware {
    public typealias Context = ParleyRequestContext
    let maxBodyBytes: Int

    public init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.maxUploadSize = maxBodyBytes
        // Changing logger metadata re-renders the handler's metadata (measurable at 20k req/s), so the id Hummingbird
        // already put in the logger is reused; only a caller-supplied id costs a metadata change.
        if let incoming = Self.acceptableID(request.headers[.xRequestID]) {
            context.requestID = incoming
            context.logger[metadataKey: "request_id"] = .string(incoming)
        } else if let hummingbirdID = context.logger[metadataKey: "hb.request.id"] {
            context.requestID = hummingbirdID.description
        } else {
            context.requestID = Self.freshID()
            context.logger[metadataKey: "request_id"] = .string(context.requestID)
        }
        // The clock is read only when the line will be written (two clock reads per request at 20k req/s otherwise).
        let started = context.logger.logLevel <= .info ? ContinuousClock.now : nil
        do {
            var response = try await next(request, context)
            response.headers.append(HTTPField(name: .xRequestID, value: context.requestID))
            if let started { log(request, status: response.status.code, started: started, logger: context.logger) }
            return response
        } catch {
            if let started {
                let status = (error as? any HTTPResponseError)?.status.code ?? 500
                log(request, status: status, started: started, logger: context.logger)
            }
            throw error
        }
    }

    private func log(_ request: Request, status: Int, started: ContinuousClock.Instant, logger: Logger) {
        Self.logCompletion(
            method: request.method, path: request.uri.path, status: status, started: started, logger: logger)
    }

    /// The one line per completed request (shared with the event-loop answers, ``ImmediateResponder``).
    static func logCompletion(
        method: HTTPRequest.Method, path: String, status: Int, started: ContinuousClock.Instant, logger: Logger
    ) {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "request",
            metadata: [
                "method": .string(method.rawValue),
                "path": .string(path),
                "status": .stringConvertible(status),
                "duration_ms": .string(String(format: "%.2f", ms)),
            ])
    }

    static func acceptableID(_ value: String?) -> String? {
        guard let value, (1...64).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        else { return nil }
        return value
    }

    /// 64 random bits as 16 lower-case hex digits (no Foundation string work on the hot path).
    static func freshID() -> String {
        var value = UInt64.random(in: .min ... .max)
        var digits = [UInt8](repeating: 0, count: 16)
        let alphabet = Array("0123456789abcdef".utf8)
        for index in (0..<16).reversed() {
            digits[index] = alphabet[Int(value & 0xf)]
            value >>= 4
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

extension HTTPField.Name {
    public static let xRequestID = Self("X-Request-Id")!
}
