import Foundation
import Testing
@testable import ParleyStore

@Suite("Meeting store ids and recording names")
struct MeetingStoreTests {
    @Test("ids are 22 base64url characters and never repeat")
    func ids() {
        let ids = (0..<1000).map { _ in MeetingStore.newID() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 22 && RecordingFiles.isSafeName($0) || $0.hasPrefix(".") == false })
    }

    @Test("catalogue names that could leave the recordings directory never resolve")
    func safeNames() {
        let base = URL(fileURLWithPath: "/data/recordings")
        #expect(RecordingFiles.resolve("r1/a.mp4", in: base)?.path == "/data/recordings/r1/a.mp4")
        for name in ["../x", "r1/../../etc", "r1/.hidden", "/abs/x", "r1/a/b", "r1/", "a b/c", ".."] {
            #expect(RecordingFiles.resolve(name, in: base) == nil, "\(name)")
        }
    }
}
