import Foundation
import Testing
@testable import ParleyConformance

/// The pure pieces of the whip/whep profiles: reading answers, Retry-After, Location, ids, offers and signatures.
@Suite("whip/whep building blocks")
struct WHIPWHEPUnitTests {
    static let answer =
        [
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=recvonly", "a=rtcp-mux", "a=ice-ufrag:abcd",
            "m=video 0 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=inactive",
        ].joined(separator: "\r\n") + "\r\n"

    @Test("an answer is read per section, whatever its line endings")
    func answerLines() {
        for text in [Self.answer, Self.answer.replacingOccurrences(of: "\r\n", with: "\n")] {
            let lines = WHIPWHEPAnswerLines(text)
            #expect(lines.bundleMids == ["0", "1"])
            #expect(lines.sections.map(\.kind) == ["audio", "video"])
            #expect(lines.sections.map(\.direction) == ["recvonly", "inactive"])
            #expect(lines.sections[0].has("rtcp-mux") && !lines.sections[0].has("rtcp-mux-only"))
            #expect(lines.sections[0].value("ice-ufrag") == "abcd")
            #expect(lines.sections[1].rejected && !lines.sections[0].rejected)
        }
        #expect(!WHIPWHEPAnswerLines("not sdp at all").looksLikeSDP)
        #expect(WHIPWHEPAnswerLines("v=0\r\nm=audio 9 RTP/AVP 0\r\n").sections[0].direction == "sendrecv")
    }

    @Test("Retry-After is read as delta-seconds or an HTTP-date, anything else is absent")
    func retryAfter() {
        func response(_ value: String?) -> HTTPResponse {
            HTTPResponse(
                status: 503, reason: "", headers: value.map { [HeaderField("Retry-After", $0)] } ?? [], body: [])
        }
        #expect(WHIPWHEPEndpoint.retryAfterSeconds(response("20")) == 20)
        #expect(WHIPWHEPEndpoint.retryAfterSeconds(response(nil)) == nil)
        #expect(WHIPWHEPEndpoint.retryAfterSeconds(response("soon")) == nil)
        #expect(WHIPWHEPEndpoint.retryAfterSeconds(response("Sun, 06 Nov 1994 08:49:37 GMT")) == 0)
    }

    @Test("Location is resolved against the request and the target's base path")
    func location() throws {
        let target = try Target(url: "http://127.0.0.1:8080/base")
        let context = CaseContext(options: RunOptions(target: target.url), target: target, memo: RunMemo())
        let endpoint = WHIPWHEPEndpoint(context: context, side: .whip)
        #expect(endpoint.relative("/webrtc/session/1", from: "/webrtc/whip/a") == "/webrtc/session/1")
        #expect(
            endpoint.relative("http://127.0.0.1:8080/base/webrtc/session/2?x=1", from: "/w") == "/webrtc/session/2?x=1")
        #expect(endpoint.relative("session/3", from: "/webrtc/whip/live?secret=s") == "/webrtc/whip/session/3")
    }

    @Test("endpoint paths follow the template and carry the stream signature of the right direction")
    func signedPaths() throws {
        let target = try Target(url: "http://127.0.0.1:8080")
        var options = RunOptions(target: target.url, whepPath: "/webrtc/play/{path}")
        options.streamKeys = ["global:subscribe:sub-key", "webrtc:publish:pub-key"]
        let context = CaseContext(options: options, target: target, memo: RunMemo())
        let whip = WHIPWHEPEndpoint(context: context, side: .whip).path("live/a")
        let whep = WHIPWHEPEndpoint(context: context, side: .whep).path("live/a")
        #expect(whip.hasPrefix("/webrtc/whip/live/a?secret="))
        #expect(whep.hasPrefix("/webrtc/play/live/a?secret="))
        let expire = String(whip.split(separator: "=").last ?? "")
        #expect(whip.contains(MonibucaV6Suite.signature(key: "pub-key", streamPath: "live/a", expire: expire)))
        #expect(WHIPWHEPEndpoint(context: context, side: .whip).path("live/a", signed: false) == "/webrtc/whip/live/a")
    }

    @Test("ids and references: RFC 9725 sections for whip, the WHEP draft's for whep")
    func idsAndReferences() {
        #expect(WHIPWHEPSide.whip.id("4.3.1", "x") == "whip/rfc9725-4.3.1/x")
        #expect(WHIPWHEPSide.whep.id("4.3.1", "x") == "whep/draft02-4.3.1/x")
        #expect(WHIPWHEPSide.whip.reference("4.2", "").document == "https://www.rfc-editor.org/rfc/rfc9725#section-4.2")
        #expect(
            WHIPWHEPSide.whep.reference("4.2", "").document
                == "https://datatracker.ietf.org/doc/html/draft-ietf-wish-whep-02#section-4.2")
        let cases = WHIPWHEPSuite.cases()
        #expect(cases.count == 48)
        #expect(Set(cases.map(\.id)).count == cases.count)
    }

    @Test("the offers: sendonly for WHIP, recvonly with video for WHEP, extra lines in every section")
    func offers() throws {
        let dtls = try DTLSClientContext()
        let whip = WHIPWHEPAnswerLines(WHIPWHEPSuite.offer(.whip, dtls, extra: ["a=rtcp-mux-only"]))
        #expect(whip.sections.map(\.direction) == ["sendonly"])
        #expect(whip.sections.allSatisfy { $0.has("rtcp-mux-only") })
        let whep = WHIPWHEPAnswerLines(WHIPWHEPSuite.offer(.whep, dtls, video: true))
        #expect(whep.sections.map(\.kind) == ["audio", "video"])
        #expect(whep.sections.map(\.direction) == ["recvonly", "recvonly"])
    }
}
