import Hummingbird
import ParleySFU
import ParleyWire

/// Debug capture by API (docs/capture-format.md): `POST /api/capture/{streamPath}` starts capturing a stream
/// path's decrypted RTP/RTCP, `DELETE` stops it and answers the final manifest, `GET /api/capture` lists the
/// running ones. Behind the Monibuca JWT like every `/api/*` route (spec/monibuca-core.yaml).
struct MonibucaCapture: Sendable {
    let media: MediaPlane?

    /// A running capture: where its two files are.
    struct Running: Encodable {
        let stream_path: String
        let trigger: String
        let pcap: String
        let manifest: String
        let started_at: String

        init(_ info: CaptureInfo) {
            stream_path = info.streamPath
            trigger = info.trigger
            pcap = info.pcapPath
            manifest = info.manifestPath
            started_at = info.startedAt
        }
    }

    func register(on router: Router<ParleyRequestContext>) {
        router.get("/api/capture") { _, _ in
            try MonibucaEnvelope.success(await plane().captures().map(Running.init))
        }
        router.post("/api/capture/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 2)
            do {
                return try MonibucaEnvelope.success(Running(try await plane().startCapture(path: path.rawValue)))
            } catch let error as CaptureError {
                throw Self.mapped(error)
            }
        }
        router.delete("/api/capture/**") { request, _ in
            let path = try MonibucaStreams.streamPath(request.uri.path, skip: 2)
            do {
                return try MonibucaEnvelope.success(try await plane().stopCapture(path: path.rawValue))
            } catch let error as CaptureError {
                throw Self.mapped(error)
            }
        }
        MonibucaMethods.refuseOthers(on: router, path: "/api/capture", allowed: [.get])
        MonibucaMethods.refuseOthers(on: router, path: "/api/capture/**", allowed: [.post, .delete])
    }

    func plane() throws(MonibucaError) -> MediaPlane {
        guard let media else { throw MonibucaError(.serviceUnavailable, "the media plane is not running") }
        return media
    }

    static func mapped(_ error: CaptureError) -> MonibucaError {
        switch error {
        case .alreadyCapturing: MonibucaError(.conflict, error.description)
        case .notCapturing: MonibucaError(.notFound, error.description)
        case .tooMany: MonibucaError(.conflict, error.description)
        case .storage: MonibucaError(.internalServerError, error.description)
        }
    }
}
