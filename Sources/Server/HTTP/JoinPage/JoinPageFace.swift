import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParleyRooms

/// The browser side of the links the MiroTalk API hands out (docs/join-page.md): `GET /` (landing page),
/// `GET /join/{room}` and `GET /join?room=…&name=…&token=…` (the meeting page), `GET /assets/{file}` (its modules
/// and stylesheet). Plain files from the binary's resources, no build step. None of these paths is under a
/// Monibuca prefix, so neither the envelope nor the JWT layer touches them.
public struct JoinPageFace: APIFace {
    let locator: WebAssetLocator

    public init(locator: WebAssetLocator = .fromEnvironment()) {
        self.locator = locator
    }

    public func register(on router: Router<ParleyRequestContext>, services: ParleyServices) {
        let directory = locator.locate()
        if directory == nil {
            services.logger.warning(
                "join page files not found: / and /join answer 503 (set PARLEY_WEB_DIR)",
                metadata: ["searched": "\(locator.candidates.joined(separator: ", "))"])
        }
        let pages = JoinPages(
            assets: directory.map(WebAssets.load(directory:)) ?? WebAssets(files: [:]),
            verifier: MiroTalkTokenVerifier(secret: services.secrets.jwtSecret, clock: services.clock))
        router.get("/") { request, _ in pages.file("index.html", request) }
        router.get("/join") { request, _ in await pages.joinByQuery(request) }
        router.get("/join/:room") { request, context in
            pages.joinByPath(request, room: context.parameters.get("room") ?? "")
        }
        router.get("/assets/:file") { request, context in
            pages.asset(request, name: context.parameters.get("file") ?? "")
        }
    }
}
