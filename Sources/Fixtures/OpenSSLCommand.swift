import Foundation

/// The `openssl` command-line tool as an independent second implementation: known answers computed by it do not
/// share a bug with our OpenSSL wrappers' use of the library.
public enum OpenSSLCommand {
    public static let path = "/usr/bin/openssl"

    /// Runs `openssl arguments...` with `input` on stdin; returns its exit status and stdout (stderr discarded).
    public static func run(_ arguments: [String], input: Data) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
