import Foundation
import Hummingbird
import ParleyStore

/// Serves a catalogued file with HTTP range requests (RFC 9110 §14: one range → 206 with `Content-Range`, an
/// unsatisfiable one → 416 with `bytes */size`, several → the whole file), for the Meeting API and `/mp4/download`.
enum RecordingDownload {
    static func serve(
        _ fileName: String, in directory: URL, contentType: String, inline: Bool, downloadName: String? = nil,
        request: Request, context: ParleyRequestContext
    ) async throws -> Response {
        guard let url = RecordingFiles.resolve(fileName, in: directory),
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else {
            throw MonibucaError.notFound("recording file is missing")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let name = downloadName ?? fileName.split(separator: "/").last.map(String.init) ?? "recording"
        var headers: HTTPFields = [
            .contentType: contentType,
            .acceptRanges: "bytes",
            .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(name)\"",
        ]
        let status: HTTPResponse.Status
        let range: ClosedRange<Int64>?
        switch ByteRange.resolve(request.headers[.range], size: size) {
        case .whole:
            status = .ok
            range = size > 0 ? 0...(size - 1) : nil
        case .partial(let part):
            status = .partialContent
            range = part
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
        case .unsatisfiable:
            throw MonibucaError(
                .rangeNotSatisfiable, "range not satisfiable for \(size) bytes",
                headers: [.contentRange: "bytes */\(size)"])
        }
        headers[.contentLength] = String(range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0)
        guard let range else { return Response(status: status, headers: headers, body: .init()) }
        do {
            let body = try await FileIO().loadFile(
                path: url.path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            return Response(status: status, headers: headers, body: body)
        } catch {
            throw MonibucaError.notFound("recording file is missing")
        }
    }
}
