import Foundation
import Testing
@testable import ParleyConfig

@Suite("docs/configuration.md stays true")
struct DocumentationTests {
    let text: String

    init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        text = try String(contentsOf: url, encoding: .utf8)
    }

    @Test("every YAML example in the documentation loads")
    func examplesLoad() throws {
        let blocks = text.components(separatedBy: "```yaml\n").dropFirst()
            .compactMap { $0.components(separatedBy: "```").first }
        #expect(blocks.count >= 2)
        for block in blocks {
            #expect(throws: Never.self) { try ConfigLoader.load(yaml: block) }
        }
    }

    @Test("every key and environment variable is documented")
    func everyKeyDocumented() {
        for setting in ConfigSchema.settings {
            #expect(text.contains("`\(setting.key)`"), "\(setting.key) undocumented")
            if let variable = setting.environment {
                #expect(text.contains("`\(variable)`"), "\(variable) undocumented")
            }
        }
        for key in ConfigSchema.structuredKeys { #expect(text.contains("`\(key)`"), "\(key) undocumented") }
        for alias in ConfigSchema.aliases.keys { #expect(text.contains("`\(alias)`"), "alias \(alias) undocumented") }
    }
}
