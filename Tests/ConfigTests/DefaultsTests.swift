import Testing
@testable import ParleyConfig

@Suite("Built-in defaults match the contract table")
struct DefaultsTests {
    let config: ParleyConfig

    init() throws {
        config = try ConfigLoader.load(file: nil, environment: [:], overrides: [:])
    }

    @Test("no file, no environment, no flags gives ParleyConfig()")
    func loadingNothingGivesDefaults() {
        #expect(config == ParleyConfig())
    }

    @Test("http defaults: :8080, CORS on, any origin, no public URL, 1 MiB bodies")
    func httpDefaults() {
        #expect(config.http.listen == ListenAddress(host: "", port: 8080))
        #expect(config.http.listen.description == ":8080")
        #expect(config.http.cors == true)
        #expect(config.http.corsOrigins == [])
        #expect(config.http.publicURL == "")
        #expect(config.http.maxBodyBytes == 1_048_576)
        #expect(config.http.immediateRoutes == true)
    }

    @Test("tls, data_dir and log defaults")
    func storageDefaults() {
        #expect(config.tls.cert == "")
        #expect(config.tls.key == "")
        #expect(config.tls.usesGeneratedCertificate)
        #expect(config.dataDir == "./data")
        #expect(config.log.level == .info)
    }

    @Test("api defaults are MiroTalk's: true,false,true,false,true,false,false and a generated key")
    func apiDefaults() {
        #expect(config.api.keySecret == nil)
        let allowed = config.api.allowed
        #expect(
            [
                allowed.stats, allowed.meetings, allowed.meeting, allowed.meetingEnd, allowed.join, allowed.token,
                allowed.activeRooms,
            ] == [true, false, true, false, true, false, false])
    }

    @Test("jwt defaults: generated secret, 1h lifetime")
    func jwtDefaults() {
        #expect(config.jwt.secret == nil)
        #expect(config.jwt.expire == MsDuration("1h"))
        #expect(config.jwt.expire.seconds == 3600)
    }

    @Test("auth defaults: enabled, generated secret, 86400 s, four excluded prefixes, no users")
    func authDefaults() {
        #expect(config.auth.enabled == true)
        #expect(config.auth.secret == nil)
        #expect(config.auth.expire == 86_400)
        #expect(config.auth.exclude == ["/api/login", "/api/auth/login", "/flv/", "/hls/"])
        #expect(config.auth.users.isEmpty)
    }

    @Test("stream_auth, rooms, webrtc, recording and capture defaults")
    func remainingDefaults() {
        #expect(config.streamAuth.enabled == false)
        #expect(config.streamAuth.keys.isEmpty)
        #expect(config.rooms.requireToken == false)
        #expect(config.rooms.firstIsPresenter == true)
        #expect(config.rooms.maxParticipants == 1000)
        #expect(config.webrtc.udpPort == 9000)
        #expect(config.webrtc.announce == [])
        #expect(config.webrtc.iceServers == [])
        #expect(
            config.recording == .init(enabled: true, dir: "", maxDuration: "4h", maxBytes: "2GiB", retention: "30d"))
        #expect(config.recording.directory(dataDir: "./data") == "./data/recordings")
        #expect(config.recording.maxDurationSeconds == 4 * 3600 && config.recording.retentionSeconds == 30 * 86400)
        #expect(config.recording.maxByteCount == 2 << 30)
        #expect(config.capture == .init(enabled: false, paths: [], dir: "", maxBytes: "200MiB"))
        #expect(config.capture.maxByteCount == 200 * 1024 * 1024)
        #expect(config.capture.directory(dataDir: "./data") == "./data/captures")
    }

    @Test("an empty or comment-only file keeps every default")
    func emptyFile() throws {
        #expect(try ConfigLoader.load(yaml: "") == ParleyConfig())
        #expect(try ConfigLoader.load(yaml: "# nothing here\n") == ParleyConfig())
        #expect(try ConfigLoader.load(yaml: "http:\nrooms:\n") == ParleyConfig())
    }
}
