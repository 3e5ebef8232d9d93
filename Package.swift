// swift-tools-version:6.1
// Parley: a meeting/media server (`parley-server`) and a conformance runner (`parley-conform`).
//
// The target graph is the architecture, bottom to top:
//   C system libraries (COpenSSL, CSRTP, COpus, CPcap) + CShims
//   → ParleyCrypto (OpenSSL wrappers) → ParleyWire (pure STUN/RTP/RTCP/SDP/pcap codecs)
//   → ParleyRecording (pure: a captured publication's RTP → an MP4/WebM/Ogg file, no re-encoding)
//   → ParleyMedia (sans-IO ICE-lite, DTLS, SRTP state machines; time is passed in)
//   → ParleyTime (the one clock and rate limiter) → ParleyRooms (the live registry every API face shares)
//   → ParleySFU (one event loop: the UDP socket, peers, timers, routing publishers to subscribers)
//   → ParleyConfig, ParleyStore (configuration; SQLite, or PostgreSQL in cluster mode)
//   → ParleyHTTP (Hummingbird edges: MiroTalk, Monibuca, Meeting, room WS, WHIP/WHEP)
//   → parley-server (thin executable)
// The runner (ParleyConformance → parley-conform) shares ParleyCrypto and the pure ParleyWire codecs with the server,
// never the ParleyMedia state machines (its WebRTC client keeps its own, so a server bug is not mirrored).
// Each target declares exactly the modules it imports: `make build` checks it
// (--explicit-target-dependency-import-check error).
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parley-server", targets: ["ParleyServerMain"]),
        .executable(name: "parley-conform", targets: ["ParleyConformMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.0.0"),
        // Cluster mode's node-to-node HTTP (forwarded moderation, service-wide reads); already resolved through
        // HummingbirdTesting.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
    ],
    targets: [
        // MARK: C system libraries (apt: libssl-dev libsrtp2-dev libopus-dev libpcap-dev pkg-config)
        .systemLibrary(
            name: "COpenSSL", path: "Sources/Server/System/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSRTP", path: "Sources/Server/System/CSRTP", pkgConfig: "libsrtp2",
            providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(
            name: "COpus", path: "Sources/Server/System/COpus", pkgConfig: "opus",
            providers: [.apt(["libopus-dev"])]),
        .systemLibrary(
            name: "CPcap", path: "Sources/Server/System/CPcap", pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]),
        // Fixed-arity wrappers for variadic C functions and function-like macros Swift cannot import.
        .target(
            name: "CShims", dependencies: ["COpenSSL", "COpus"], path: "Sources/Server/System/CShims",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto"), .linkedLibrary("opus")]),

        // MARK: pure layers (no sockets, no clocks)
        .target(
            name: "ParleyCrypto", dependencies: ["COpenSSL", "CShims"], path: "Sources/Server/Crypto",
            swiftSettings: strict),
        .target(
            name: "ParleyWire", dependencies: ["ParleyCrypto", "CPcap"], path: "Sources/Server/Wire",
            swiftSettings: strict),
        .target(
            name: "ParleyMedia",
            dependencies: ["ParleyWire", "ParleyCrypto", "COpenSSL", "CSRTP", "COpus", "CShims"],
            path: "Sources/Server/Media", swiftSettings: strict),
        // The one clock (calendar + monotonic) and the one rate limiter every layer above shares.
        .target(name: "ParleyTime", path: "Sources/Server/Time", swiftSettings: strict),
        // The one strict JSON value type and its linear, bounded parser (no Foundation, so fuzz targets compile it alone).
        .target(name: "ParleyJSON", path: "Sources/Server/JSON", swiftSettings: strict),
        .target(name: "ParleyRooms", dependencies: ["ParleyTime"], path: "Sources/Server/Rooms", swiftSettings: strict),
        // Recorded RTP (a debug capture) → MP4/WebM/Ogg without re-encoding; pure (file I/O only, no clocks).
        .target(
            name: "ParleyRecording", dependencies: ["ParleyWire"], path: "Sources/Server/Recording",
            swiftSettings: strict),

        // MARK: the media plane: one event loop owns the UDP socket, peers, timers and SFU routing
        .target(
            name: "ParleySFU",
            dependencies: [
                "ParleyMedia", "ParleyWire", "ParleyRooms",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Server/SFU", swiftSettings: strict),

        // MARK: configuration and storage
        .target(
            name: "ParleyConfig", dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Sources/Server/Config", swiftSettings: strict),
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyCrypto", "ParleyConfig", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Server/Store", swiftSettings: strict),

        // MARK: the cluster: node registry, room directory with epoch-fenced leases (docs/architecture.md §Cluster)
        .target(
            name: "ParleyCluster",
            dependencies: [
                "ParleyRooms", "ParleyTime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/Server/Cluster", swiftSettings: strict),

        // MARK: HTTP/WS edges
        .target(
            name: "ParleyHTTP",
            dependencies: [
                "ParleyTime", "ParleyJSON", "ParleyRooms", "ParleyConfig", "ParleyStore", "ParleyCrypto", "ParleyWire",
                "ParleyMedia", "ParleyCluster",
                "ParleySFU", "ParleyRecording",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"), // room sockets write their frames directly
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/Server/HTTP",
            // The join page (plain HTML, CSS and JavaScript modules), served by JoinPageFace.
            resources: [.copy("JoinPage/Web")], swiftSettings: strict),

        // MARK: executables (thin)
        .executableTarget(
            name: "ParleyServerMain",
            dependencies: [
                "ParleyHTTP", "ParleyConfig", "ParleySFU", "ParleyRecording",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Server/Main"),

        // MARK: conformance runner
        .target(
            name: "ParleyConformance",
            dependencies: [
                "ParleyCrypto", "ParleyWire", "COpenSSL", "CShims", "CSRTP", "COpus",
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Sources/Conformance/Engine", swiftSettings: strict),
        .executableTarget(
            name: "ParleyConformMain",
            dependencies: [
                "ParleyConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Conformance/CLI"),

        // MARK: deterministic generators for tests and the runner
        .target(
            name: "Fixtures", dependencies: ["ParleyMedia", "ParleyCrypto", "ParleyTime", "ParleyWire"],
            path: "Sources/Fixtures"),

        // MARK: tests
        .testTarget(name: "CryptoTests", dependencies: ["ParleyCrypto", "Fixtures"], path: "Tests/CryptoTests"),
        .testTarget(name: "WireTests", dependencies: ["ParleyWire", "Fixtures"], path: "Tests/WireTests"),
        .testTarget(
            name: "MediaTests", dependencies: ["ParleyMedia", "ParleyWire", "ParleyCrypto", "Fixtures"],
            path: "Tests/MediaTests"),
        .testTarget(
            name: "SFUTests",
            dependencies: [
                "ParleySFU", "ParleyMedia", "ParleyWire", "ParleyCrypto", "Fixtures",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SFUTests"),
        .testTarget(
            name: "RecordingTests", dependencies: ["ParleyRecording", "ParleyWire", "Fixtures"],
            path: "Tests/RecordingTests"),
        .testTarget(name: "JSONTests", dependencies: ["ParleyJSON"], path: "Tests/JSONTests"),
        .testTarget(name: "TimeTests", dependencies: ["ParleyTime", "Fixtures"], path: "Tests/TimeTests"),
        .testTarget(name: "RoomsTests", dependencies: ["ParleyRooms", "Fixtures"], path: "Tests/RoomsTests"),
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "ParleyCluster", "ParleyRooms", "Fixtures", .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ClusterTests"),
        .testTarget(name: "ConfigTests", dependencies: ["ParleyConfig"], path: "Tests/ConfigTests"),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "ParleyStore", "ParleyCrypto", "ParleyConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ], path: "Tests/StoreTests"),
        .testTarget(
            name: "HTTPTests",
            dependencies: [
                "ParleyHTTP", "ParleyRooms", "ParleyConfig", "ParleyStore", "ParleySFU",
                "ParleyWire", "ParleyCrypto", "ParleyTime", "ParleyJSON", "ParleyCluster", "Fixtures",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/HTTPTests"),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "ParleyConformance", "ParleyWire", "ParleyCrypto", "ParleyMedia", "Fixtures",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/ConformanceTests"),
    ]
)

// `make bench` only (PARLEY_BENCH=1): a bare Hummingbird router with Parley's `/api/v1/stats` handler, the baseline
// Parley's own wiring is measured against. Absent from every other build, `make test` included.
if Context.environment["PARLEY_BENCH"] != nil {
    package.targets.append(
        .executableTarget(
            name: "ParleyBenchHummingbird",
            dependencies: [
                "ParleyRooms", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "bench/HummingbirdBaseline"))
    package.products.append(.executable(name: "parley-bench-hummingbird", targets: ["ParleyBenchHummingbird"]))
}
