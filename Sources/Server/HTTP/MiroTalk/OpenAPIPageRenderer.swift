import Foundation
import Yams

/// Renders an OpenAPI 3.1 document (as a YAML node tree, so key order is the author's) into one static HTML page:
/// overview, one section per operation (parameters, request body, responses, a curl line), then every schema as a
/// table. Text is HTML-escaped; descriptions get a small Markdown subset (paragraphs, `- ` lists, `code`, **bold**).
struct OpenAPIPageRenderer {
    let root: Node
    static let methods = ["get", "post", "put", "patch", "delete", "head", "options"]

    func render() -> String {
        let title = root["info"]?["title"]?.string ?? "API"
        let version = root["info"]?["version"]?.string ?? ""
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(Self.style)</style>
            </head><body>
            <header><h1 id="title">\(escape(title))</h1>
            <p class="version">Version <span id="version">\(escape(version))</span> · machine-readable:
            <a href="openapi.yaml">openapi.yaml</a></p>
            """
        if let summary = root["info"]?["summary"]?.string { html += "<p class=\"summary\">\(inline(summary))</p>" }
        if let description = root["info"]?["description"]?.string { html += markdown(description) }
        html += authentication()
        html += "</header>\n"
        let operations = collectOperations()
        html += "<nav><h2>Operations</h2><ul id=\"operations\">"
        for operation in operations {
            html +=
                "<li><a href=\"#\(operation.anchor)\"><span class=\"method \(operation.method)\">"
                + "\(operation.method.uppercased())</span> <code>\(escape(operation.path))</code></a></li>"
        }
        html += "</ul></nav>\n<main>\n"
        for operation in operations { html += render(operation) }
        html += renderSchemas()
        html += "</main></body></html>\n"
        return html
    }

    struct Operation {
        var method: String
        var path: String
        var node: Node
        var pathNode: Node
        var anchor: String
    }

    func collectOperations() -> [Operation] {
        guard let paths = root["paths"]?.mapping else { return [] }
        var operations: [Operation] = []
        for (pathKey, pathNode) in paths {
            guard let path = pathKey.string, let entries = pathNode.mapping else { continue }
            for (methodKey, node) in entries {
                guard let method = methodKey.string?.lowercased(), Self.methods.contains(method) else { continue }
                let id = node["operationId"]?.string ?? (method + path)
                operations.append(
                    Operation(
                        method: method, path: path, node: node, pathNode: pathNode,
                        anchor: "op-" + slug(id)))
            }
        }
        return operations
    }

    func authentication() -> String {
        guard let schemes = root["components"]?["securitySchemes"]?.mapping, schemes.count > 0 else { return "" }
        var html = "<section id=\"authentication\"><h2>Authentication</h2><ul>"
        for (name, scheme) in schemes {
            let location = [scheme["in"]?.string, scheme["name"]?.string].compactMap { $0 }.joined(separator: " ")
            html +=
                "<li><strong>\(escape(name.string ?? ""))</strong> (\(escape(scheme["type"]?.string ?? ""))"
                + (location.isEmpty ? "" : ", \(escape(location))") + ")"
            if let description = scheme["description"]?.string { html += ": " + inline(description) }
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    func render(_ operation: Operation) -> String {
        let node = operation.node
        var html =
            "<section class=\"operation\" id=\"\(operation.anchor)\" data-method=\"\(operation.method)\" "
            + "data-path=\"\(escape(operation.path))\">\n"
        html +=
            "<h2><span class=\"method \(operation.method)\">\(operation.method.uppercased())</span> "
            + "<code class=\"path\">\(escape(operation.path))</code></h2>\n"
        if let summary = node["summary"]?.string { html += "<p class=\"summary\">\(inline(summary))</p>\n" }
        if let description = node["description"]?.string { html += markdown(description) }
        let security = node["security"]?.sequence.map { $0.count == 0 } ?? false
        html +=
            "<p class=\"auth\">" + (security ? "No key needed." : "Needs the <code>authorization</code> header.")
            + "</p>\n"

        let parameters =
            (operation.pathNode["parameters"]?.sequence.map(Array.init) ?? [])
            + (node["parameters"]?.sequence.map(Array.init) ?? [])
        if !parameters.isEmpty {
            html +=
                "<h3>Parameters</h3><table class=\"parameters\"><tr><th>name</th><th>in</th><th>type</th>"
                + "<th>required</th><th>description</th></tr>"
            for parameter in parameters {
                html +=
                    "<tr><td><code>\(escape(parameter["name"]?.string ?? ""))</code></td>"
                    + "<td>\(escape(parameter["in"]?.string ?? ""))</td>"
                    + "<td>\(typeText(parameter["schema"]))</td>"
                    + "<td>\(parameter["required"]?.bool == true ? "yes" : "no")</td>"
                    + "<td>\(inline(parameter["description"]?.string ?? ""))</td></tr>"
            }
            html += "</table>\n"
        }
        if let body = node["requestBody"] {
            html += "<h3>Request body</h3><p>" + (body["required"]?.bool == true ? "Required. " : "Optional. ")
            for (mediaType, content) in body["content"]?.mapping ?? [:] {
                html += "<code>\(escape(mediaType.string ?? ""))</code>: \(typeText(content["schema"])) "
            }
            html += "</p>\n"
        }
        if let responses = node["responses"]?.mapping {
            html += "<h3>Responses</h3><table class=\"responses\"><tr><th>status</th><th>meaning</th><th>body</th></tr>"
            for (status, response) in responses {
                let code = status.string ?? ""
                var bodies: [String] = []
                for (_, content) in response["content"]?.mapping ?? [:] { bodies.append(typeText(content["schema"])) }
                html +=
                    "<tr class=\"response\" data-status=\"\(escape(code))\"><td><code>\(escape(code))</code></td>"
                    + "<td>\(inline(response["description"]?.string ?? ""))</td><td>\(bodies.joined(separator: "<br>"))</td></tr>"
            }
            html += "</table>\n"
        }
        var curl = "curl -sS -X \(operation.method.uppercased()) \"$BASE\(operation.path)\""
        if !security { curl += " \\\n  --header \"authorization: $API_KEY_SECRET\"" }
        if node["requestBody"] != nil { curl += " \\\n  --header \"Content-Type: application/json\" --data '{}'" }
        html += "<h3>Example</h3><pre class=\"example\">\(escape(curl))</pre>\n</section>\n"
        return html
    }

    func renderSchemas() -> String {
        guard let schemas = root["components"]?["schemas"]?.mapping else { return "" }
        var html = "<section id=\"schemas\"><h2>Schemas</h2>\n"
        for (nameNode, schema) in schemas {
            let name = nameNode.string ?? ""
            let required = Set((schema["required"]?.sequence.map(Array.init) ?? []).compactMap(\.string))
            html += "<section class=\"schema\" id=\"schema-\(slug(name))\"><h3>\(escape(name))</h3>"
            if let description = schema["description"]?.string { html += markdown(description) }
            var notes: [String] = []
            if schema["additionalProperties"]?.bool == false { notes.append("no other properties") }
            if let type = schema["type"], schema["properties"] == nil { notes.append(typeText(type)) }
            if !notes.isEmpty { html += "<p class=\"notes\">\(notes.joined(separator: "; "))</p>" }
            if let properties = schema["properties"]?.mapping {
                html +=
                    "<table class=\"properties\"><tr><th>property</th><th>type</th><th>required</th><th>notes</th></tr>"
                for (key, property) in properties {
                    let propertyName = key.string ?? ""
                    html +=
                        "<tr><td><code>\(escape(propertyName))</code></td><td>\(typeText(property))</td>"
                        + "<td>\(required.contains(propertyName) ? "yes" : "no")</td><td>\(propertyNotes(property))</td></tr>"
                }
                html += "</table>"
            }
            html += "</section>\n"
        }
        return html + "</section>\n"
    }

    func propertyNotes(_ property: Node) -> String {
        var notes: [String] = []
        if let values = property["enum"]?.sequence {
            notes.append("one of " + values.map { "<code>\(escape($0.string ?? ""))</code>" }.joined(separator: ", "))
        }
        if let value = property["default"] { notes.append("default <code>\(escape(value.string ?? ""))</code>") }
        if let format = property["format"]?.string { notes.append("format \(escape(format))") }
        if let pattern = property["pattern"]?.string { notes.append("pattern <code>\(escape(pattern))</code>") }
        if let minimum = property["minimum"]?.string { notes.append("≥ \(escape(minimum))") }
        if let description = property["description"]?.string { notes.append(inline(description)) }
        return notes.joined(separator: "; ")
    }

    /// A schema's type in words: `$ref` links to the schema table; arrays, unions and `oneOf` are spelled out.
    func typeText(_ schema: Node?) -> String {
        guard let schema else { return "" }
        if let ref = schema["$ref"]?.string {
            let name = ref.split(separator: "/").last.map(String.init) ?? ref
            return "<a href=\"#schema-\(slug(name))\">\(escape(name))</a>"
        }
        if let choices = schema["oneOf"]?.sequence ?? schema["anyOf"]?.sequence {
            return choices.map { typeText($0) }.joined(separator: " or ")
        }
        if let list = schema.sequence { return list.compactMap(\.string).map(escape).joined(separator: " | ") }
        if let type = schema.string { return escape(type) }
        guard let type = schema["type"] else { return "any" }
        if type.string == "array" { return "array of " + typeText(schema["items"]) }
        return typeText(type)
    }

    // MARK: text

    func escape(_ text: String) -> String { HTMLEscape.text(text) }

    /// Escapes, then turns `code` and **bold** spans into markup.
    func inline(_ text: String) -> String {
        var out = ""
        var inCode = false, inBold = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "`" {
                out += inCode ? "</code>" : "<code>"
                inCode.toggle()
            } else if !inCode, text[index...].hasPrefix("**") {
                out += inBold ? "</strong>" : "<strong>"
                inBold.toggle()
                index = text.index(after: index)
            } else {
                out += escape(String(character))
            }
            index = text.index(after: index)
        }
        if inCode { out += "</code>" }
        if inBold { out += "</strong>" }
        return out
    }

    /// Paragraphs separated by blank lines; a block of `- ` lines is a list (continuation lines join the item).
    func markdown(_ text: String) -> String {
        var html = "<div class=\"description\">"
        for block in text.components(separatedBy: "\n\n") where !block.trimmingCharacters(in: .whitespaces).isEmpty {
            let lines = block.split(separator: "\n").map { String($0) }
            let listStart = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") }
            let lead = lines[..<(listStart ?? lines.count)].joined(separator: " ")
            if !lead.trimmingCharacters(in: .whitespaces).isEmpty { html += "<p>\(inline(lead))</p>" }
            guard let listStart else { continue }
            var items: [String] = []
            for line in lines[listStart...] {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("- ") {
                    items.append(String(trimmed.dropFirst(2)))
                } else if !items.isEmpty {
                    items[items.count - 1] += " " + trimmed
                }
            }
            html += "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"
        }
        return html + "</div>\n"
    }

    func slug(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;\
        color:#1b1f24;line-height:1.5}code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}\
        pre{background:#f4f6f8;padding:.75rem;overflow-x:auto;border-radius:4px}table{border-collapse:collapse;width:100%;\
        margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}\
        th{background:#f4f6f8}.method{display:inline-block;min-width:4.2em;text-align:center;border-radius:3px;\
        color:#fff;font-weight:600;font-size:.8em;padding:.1em .4em}.get{background:#1f6feb}.post{background:#1a7f37}\
        .delete{background:#cf222e}.put,.patch{background:#9a6700}section.operation,section.schema{border-top:1px solid \
        #d0d7de;padding-top:.5rem;margin-top:1.5rem}nav ul{list-style:none;padding-left:0}nav li{margin:.2rem 0}
        """
}
