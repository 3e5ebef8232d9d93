import ParleyMedia
import ParleyRooms
import ParleySFU

/// How WHIP/WHEP sessions enter the registry and belong to room participants (docs/contracts.md §Media and
/// rooms): a publication is announced with what its answer accepted, and a room session is tied to its participant
/// so that the participant's leave, kick or the meeting's end closes it (MediaPlane+Rooms).
extension WebRTCFace {
    /// The participant a session belongs to: the owner of a `room/{room}/{user}` publication whoever publishes it,
    /// or the participant whose session token opened a player.
    static func owner(of session: SessionDescriptor, path: StreamPath, grant: WebRTCGrant) -> SessionOwner? {
        if session.kind == .publisher, let scoped = path.roomScoped {
            return SessionOwner(room: scoped.room, user: scoped.user)
        }
        if case .participant(let owner) = grant { return owner }
        return nil
    }

    /// Registers a live publication; the registry decides 409 (another stream on the path) and whether the room
    /// and publisher still exist.
    func register(
        publisher session: SessionDescriptor, accepted: AcceptedOffer, path: StreamPath, grant: WebRTCGrant,
        services: ParleyServices
    ) async throws {
        var publisher: UserID?
        if case .participant(let owner) = grant { publisher = owner.user }
        do {
            _ = try await services.rooms.startStream(
                path, publisher: publisher, room: nil, codecs: accepted.codecNames,
                kinds: accepted.publishedKinds(on: path))
        } catch RoomError.streamAlreadyPublished {
            throw WebRTCHTTPError(.conflict, "a publisher is already live on \(path)")
        } catch RoomError.participantNotFound {
            throw WebRTCHTTPError(.forbidden, "cannot publish \(path): the participant left the room")
        } catch {
            throw WebRTCHTTPError(.forbidden, "cannot publish \(path): \(error)")
        }
    }

    /// Counts a player; a participant's player also needs the participant still in the room (it may have left
    /// between the token check and now, before its session was tied to it).
    func register(
        player session: SessionDescriptor, path: StreamPath, grant: WebRTCGrant, services: ParleyServices
    ) async throws {
        if case .participant(let owner) = grant,
            await services.rooms.room(owner.room)?.participant(owner.user) == nil
        {
            throw WebRTCHTTPError(.forbidden, "user \(owner.user) is no longer in room \(owner.room)")
        }
        _ = try? await services.rooms.addSubscriber(path)
    }
}

extension AcceptedOffer {
    /// What a publication of this offer sends on `path`: its accepted tracks' kinds (sections answered inactive or
    /// refused are not tracks), video on a screen-share path counting as `screen`.
    func publishedKinds(on path: StreamPath) -> MediaKinds {
        MediaKinds.publication(audio: track(.audio) != nil, video: track(.video) != nil, on: path)
    }
}
