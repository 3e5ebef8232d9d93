/// `/api/streams` written by ``JSONBufferWritable`` rather than the envelope's encoder: members in the byte order
/// of their names, as `.sortedKeys` writes them (`MonibucaStreamsJSONTests` compares with the encoder).
extension MonibucaStreams.StreamList: JSONBufferWritable {
    var jsonBound: Int { 40 + JSONOutput.integerBound + JSONOutput.bound(streams) }

    func writeJSON(to out: inout JSONOutput) {
        out.raw(#"{"streams":"#)
        out.array(streams)
        out.raw(#","total":"#)
        out.integer(total)
        out.byte(UInt8(ascii: "}"))
    }
}

extension MonibucaStreams.StreamSummary: JSONBufferWritable {
    /// Member names and punctuation (counted: 154 bytes), six integers, the nested objects, the strings.
    var jsonBound: Int {
        240 + 6 * JSONOutput.integerBound + JSONOutput.bound(path) + JSONOutput.bound(state)
            + JSONOutput.bound(room_id.value) + JSONOutput.bound(video_codec.value)
            + JSONOutput.bound(audio_codec.value) + publisher.jsonBound + players.jsonBound
            + JSONOutput.bound(tracks)
    }

    func writeJSON(to out: inout JSONOutput) {
        out.raw(#"{"audio_bitrate":"#)
        out.optionalInteger(audio_bitrate.value)
        out.raw(#","audio_codec":"#)
        out.optionalString(audio_codec.value)
        out.raw(#","duration":"#)
        out.integer(duration)
        out.raw(#","path":"#)
        out.string(path)
        out.raw(#","players":"#)
        players.writeJSON(to: &out)
        out.raw(#","publisher":"#)
        publisher.writeJSON(to: &out)
        out.raw(#","room_id":"#)
        out.optionalString(room_id.value)
        out.raw(#","state":"#)
        out.string(state)
        out.raw(#","subscribers":"#)
        out.integer(subscribers)
        out.raw(#","tracks":"#)
        out.array(tracks)
        out.raw(#","video_bitrate":"#)
        out.optionalInteger(video_bitrate.value)
        out.raw(#","video_codec":"#)
        out.optionalString(video_codec.value)
        out.byte(UInt8(ascii: "}"))
    }
}

extension MonibucaStreams.Publisher: JSONBufferWritable {
    var jsonBound: Int {
        40 + JSONOutput.bound(start_time) + JSONOutput.bound(type) + JSONOutput.bound(user_id.value)
    }

    func writeJSON(to out: inout JSONOutput) {
        out.raw(#"{"start_time":"#)
        out.string(start_time)
        out.raw(#","type":"#)
        out.string(type)
        out.raw(#","user_id":"#)
        out.optionalString(user_id.value)
        out.byte(UInt8(ascii: "}"))
    }
}

extension MonibucaStreams.Players: JSONBufferWritable {
    var jsonBound: Int { 30 + 2 * JSONOutput.integerBound }

    func writeJSON(to out: inout JSONOutput) {
        out.raw(#"{"connected":"#)
        out.integer(connected)
        out.raw(#","total":"#)
        out.integer(total)
        out.byte(UInt8(ascii: "}"))
    }
}

extension MonibucaStreams.MediaTrack: JSONBufferWritable {
    /// Member names and punctuation (counted: 119 bytes), seven integers, the strings.
    var jsonBound: Int {
        130 + 7 * JSONOutput.integerBound + JSONOutput.bound(kind) + JSONOutput.bound(codec)
            + JSONOutput.bound(profile.value)
    }

    func writeJSON(to out: inout JSONOutput) {
        out.raw(#"{"bitrate":"#)
        out.integer(bitrate)
        out.raw(#","bytes":"#)
        out.integer(bytes)
        out.raw(#","clock_rate":"#)
        out.integer(clock_rate)
        out.raw(#","codec":"#)
        out.string(codec)
        out.raw(#","keyframe_requests":"#)
        out.integer(keyframe_requests)
        out.raw(#","kind":"#)
        out.string(kind)
        out.raw(#","packets":"#)
        out.integer(packets)
        out.raw(#","payload_type":"#)
        out.integer(payload_type)
        out.raw(#","profile":"#)
        out.optionalString(profile.value)
        out.raw(#","ssrc":"#)
        out.optionalInteger(ssrc.value)
        out.byte(UInt8(ascii: "}"))
    }
}
