// Keys whose values are lists of mappings or free-form mappings: auth.users, stream_auth.keys,
// webrtc.ice_servers (and Monibuca v5's global publish/subscribe keys).

import Yams

extension FileReader {
    mutating func readStructured(_ canonical: String, written: String, value: Node, line: Int?) throws(ConfigError) {
        switch canonical {
        case "auth.users": config.auth.users = try readUsers(value, written: written, line: line)
        case "stream_auth.keys": try readStreamKeys(value, written: written, line: line)
        case ConfigSchema.globalPublishKey:
            config.streamAuth.keys["global", default: .init()].publish = try secret(value, written: written, line: line)
        case ConfigSchema.globalSubscribeKey:
            config.streamAuth.keys["global", default: .init()].subscribe =
                try secret(value, written: written, line: line)
        case "webrtc.ice_servers": config.webrtc.iceServers = try readICEServers(value, written: written, line: line)
        default: throw unknownKey(written, line: line)
        }
    }

    // MARK: auth.users

    private func readUsers(_ value: Node, written: String, line: Int?) throws(ConfigError) -> [ParleyConfig.UserEntry] {
        var users: [ParleyConfig.UserEntry] = []
        var seen: [String: Int] = [:]
        for (index, item, itemLine) in try listItems(value, written: written, line: line) {
            let itemKey = "\(written)[\(index)]"
            let fields = try fields(
                of: item, written: itemKey, line: itemLine,
                allowed: ["username", "password", "password_hash"])
            guard let usernameField = fields["username"],
                let username = try string(
                    usernameField.node, written: "\(itemKey).username",
                    line: usernameField.line), !username.isEmpty
            else {
                throw invalid(itemKey, "needs a non-empty 'username'", line: itemLine)
            }
            let password = try fields["password"].flatMap { (field) throws(ConfigError) in
                try string(field.node, written: "\(itemKey).password", line: field.line)
            }
            let hash = try fields["password_hash"].flatMap { (field) throws(ConfigError) in
                try string(field.node, written: "\(itemKey).password_hash", line: field.line)
            }
            switch (password, hash) {
            case (nil, nil), (.some, .some):
                throw invalid(itemKey, "needs exactly one of 'password' and 'password_hash'", line: itemLine)
            case (nil, let hash?):
                if let problem = PasswordHashShape.problem(with: hash) {
                    throw invalid("\(itemKey).password_hash", problem, line: fields["password_hash"]?.line ?? itemLine)
                }
            case (.some, nil): break
            }
            if let first = seen[username] {
                throw invalid(
                    itemKey, "repeats the username \(quotedForMessage(username)) of \(written)[\(first)]",
                    line: itemLine)
            }
            seen[username] = index
            users.append(.init(username: username, password: password, passwordHash: hash))
        }
        return users
    }

    // MARK: stream_auth.keys

    private mutating func readStreamKeys(_ value: Node, written: String, line: Int?) throws(ConfigError) {
        if isNull(value) { return }
        guard case .mapping(let plugins) = value else {
            throw wrongType(written, expected: "a mapping of plugin names", got: value, line: line)
        }
        for (pluginNode, keysNode) in plugins {
            let pluginLine = pluginNode.mark?.line ?? line
            guard case .scalar(let pluginScalar) = pluginNode, !pluginScalar.string.isEmpty else {
                throw wrongType(written, expected: "a mapping of plugin names", got: pluginNode, line: pluginLine)
            }
            let plugin = pluginScalar.string
            let pluginKey = "\(written).\(plugin)"
            let fields = try fields(
                of: keysNode, written: pluginKey, line: pluginLine,
                allowed: ["publish", "subscribe"], nullIsEmpty: true)
            var keys = config.streamAuth.keys[plugin] ?? .init()
            if let field = fields["publish"] {
                try claim("stream_auth.keys.\(plugin).publish", written: "\(pluginKey).publish", line: field.line)
                keys.publish = try secret(field.node, written: "\(pluginKey).publish", line: field.line)
            }
            if let field = fields["subscribe"] {
                try claim("stream_auth.keys.\(plugin).subscribe", written: "\(pluginKey).subscribe", line: field.line)
                keys.subscribe = try secret(field.node, written: "\(pluginKey).subscribe", line: field.line)
            }
            config.streamAuth.keys[plugin] = keys
        }
    }

    // MARK: webrtc.ice_servers

    private func readICEServers(
        _ value: Node, written: String,
        line: Int?
    ) throws(ConfigError) -> [ParleyConfig.ICEServer] {
        var servers: [ParleyConfig.ICEServer] = []
        for (index, item, itemLine) in try listItems(value, written: written, line: line) {
            let itemKey = "\(written)[\(index)]"
            let fields = try fields(
                of: item, written: itemKey, line: itemLine,
                allowed: ["urls", "username", "credential"])
            guard let urlsField = fields["urls"] else { throw invalid(itemKey, "needs 'urls'", line: itemLine) }
            let urlsKey = "\(itemKey).urls"
            var urls: [String] = []
            if case .sequence = urlsField.node {
                for (urlIndex, urlNode, urlLine) in try listItems(
                    urlsField.node, written: urlsKey, line: urlsField.line)
                {
                    guard let url = try string(urlNode, written: "\(urlsKey)[\(urlIndex)]", line: urlLine) else {
                        throw wrongType("\(urlsKey)[\(urlIndex)]", expected: "a string", got: urlNode, line: urlLine)
                    }
                    urls.append(url)
                }
            } else if let url = try string(urlsField.node, written: urlsKey, line: urlsField.line) {
                urls = [url]
            }
            guard !urls.isEmpty else { throw invalid(urlsKey, "must name at least one URL", line: urlsField.line) }
            for url in urls
            where !ParleyConfig.ICEServer.acceptedSchemes.contains(where: { url.lowercased().hasPrefix($0) }) {
                throw invalid(
                    urlsKey, "must hold stun:, stuns:, turn: or turns: URLs, got \(quotedForMessage(url))",
                    line: urlsField.line)
            }
            let username = try fields["username"].flatMap { (field) throws(ConfigError) in
                try string(field.node, written: "\(itemKey).username", line: field.line)
            }
            let credential = try fields["credential"].flatMap { (field) throws(ConfigError) in
                try string(field.node, written: "\(itemKey).credential", line: field.line)
            }
            servers.append(.init(urls: urls, username: username, credential: credential))
        }
        return servers
    }
}
