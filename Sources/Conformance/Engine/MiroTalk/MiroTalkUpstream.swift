/// The MiroTalk SFU source the cases were written against: release 2.3.77 of the public repository, pinned to
/// its commit so a reference keeps opening the lines it cites after upstream moves on.
enum MiroTalkUpstream {
    static let release = "2.3.77"
    static let commit = "f4a9a42b3d3fda6d316edee473174f5725312a63"
    static let repository = "https://github.com/miroslavpejic85/mirotalksfu"

    /// `file` (repository path) at `line`, with what the case reads there.
    static func reference(_ file: String, line: Int, _ what: String) -> SpecReference {
        SpecReference("\(repository)/blob/\(commit)/\(file)#L\(line)", "\(what) (MiroTalk SFU \(release))")
    }

    static func serverAPI(line: Int, _ what: String) -> SpecReference {
        reference("app/src/ServerApi.js", line: line, what)
    }
    static func server(line: Int, _ what: String) -> SpecReference { reference("app/src/Server.js", line: line, what) }
    static func tests(line: Int, _ what: String) -> SpecReference {
        reference("tests/test-ServerAPI.js", line: line, what)
    }
}
