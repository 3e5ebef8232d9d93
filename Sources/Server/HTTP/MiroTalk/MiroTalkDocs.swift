import Foundation
import Hummingbird
import NIOCore
import Yams

/// `GET /api/v1/openapi.yaml` (the file `spec/mirotalk-v1.yaml` as it is on disk) and `GET /api/v1/docs`, a
/// self-contained HTML page rendered from that document: no script, no stylesheet or font from anywhere else
/// (Debian ships no swagger-ui, and the page must render offline).
struct MiroTalkDocs: Sendable {
    static let fileName = "mirotalk-v1.yaml"
    let locator: SpecLocator

    func openAPIDocument() -> Response {
        guard let text = readDocument() else { return missing() }
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func page() -> Response {
        guard let text = readDocument() else { return missing() }
        let html: String
        do {
            guard let root = try Yams.compose(yaml: text) else {
                throw YamlError.dataCouldNotBeDecoded(encoding: .utf8)
            }
            html = OpenAPIPageRenderer(root: root).render()
        } catch {
            return MiroTalkReply.statusMessage(
                .internalServerError, inner: 500,
                "The OpenAPI document could not be read: \(error)"
            ).response
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                // The page needs nothing from anywhere: say so, so a browser refuses any outside fetch.
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func readDocument() -> String? {
        guard let path = locator.locate(Self.fileName),
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func missing() -> Response {
        MiroTalkReply.statusMessage(
            .notFound, inner: 404,
            "OpenAPI document \(Self.fileName) not found: set PARLEY_SPEC_DIR to the directory that holds it"
        ).response
    }
}
