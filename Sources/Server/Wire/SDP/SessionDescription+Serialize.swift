extension SessionDescription {
    /// RFC 8866 §5 text with CRLF line endings, in the grammar's line order.
    public func serialize() -> String {
        var lines = [
            "v=\(version)",
            "o=\(origin.username) \(origin.sessionID) \(origin.sessionVersion) \(origin.networkType) \(origin.addressType) \(origin.address)",
            "s=\(sessionName)",
        ]
        if let information { lines.append("i=\(information)") }
        lines += otherLines.filter { "uep".contains($0.type) }.map { "\($0.type)=\($0.value)" }
        if let connection { lines.append(Self.connectionLine(connection)) }
        lines += bandwidths.map { "b=\($0.type):\($0.value)" }
        lines.append("t=\(timingStart) \(timingStop)")
        lines += otherLines.filter { !"uep".contains($0.type) }.map { "\($0.type)=\($0.value)" }
        lines += attributes.map { "a=" + $0.sdpText }
        for section in media { lines += section.lines }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func connectionLine(_ connection: SDPConnection) -> String {
        "c=\(connection.networkType) \(connection.addressType) \(connection.address)"
    }
}

extension MediaDescription {
    var lines: [String] {
        let port = portCount.map { "\(self.port)/\($0)" } ?? "\(self.port)"
        var lines = ["m=\(kind) \(port) \(proto) " + formats.joined(separator: " ")]
        if let information { lines.append("i=\(information)") }
        if let connection { lines.append(SessionDescription.connectionLine(connection)) }
        lines += bandwidths.map { "b=\($0.type):\($0.value)" }
        lines += otherLines.map { "\($0.type)=\($0.value)" }
        lines += attributes.map { "a=" + $0.sdpText }
        return lines
    }
}
