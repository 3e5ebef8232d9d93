import ParleyRecording

/// The real post-processor (Sources/Server/Recording, docs/recording-format.md): MP4 for H264, WebM for VP8, Ogg
/// Opus for audio only, without re-encoding.
extension Recorder {
    public static let postProcessor: RecordingProcessor = { manifestPath, outputDirectory, stem in
        let output = try RecordingPostProcessor.process(
            manifestPath: manifestPath, outputDirectory: outputDirectory, stem: stem)
        return ProcessedRecording(
            path: output.path, format: output.format.rawValue, contentType: output.contentType,
            durationSeconds: output.durationSeconds, sizeBytes: output.sizeBytes, tracks: output.tracks)
    }
}
