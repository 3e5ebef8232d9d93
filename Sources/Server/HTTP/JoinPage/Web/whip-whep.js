// WHIP (RFC 9725 §4.2) and WHEP (draft-ietf-wish-whep-02 §4) over the room's session token: POST an SDP offer,
// apply the 201's answer, DELETE the Location resource to end the session (RFC 9725 §4.3).

async function negotiate(pc, url, token) {
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${token}` },
    body: pc.localDescription.sdp,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`${response.status}: ${text.trim()}`);
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  const location = response.headers.get("Location");
  return location ? new URL(location, window.location.href).href : null;
}

function session(pc, resource, token) {
  return {
    pc,
    close() {
      pc.close();
      if (resource) {
        fetch(resource, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
      }
    },
  };
}

// Publishes `stream` on `path`. WHIP here needs an Opus section, so a video-only stream (a screen share) still
// offers a silent audio section.
export async function publish(path, token, stream) {
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  const audio = stream.getAudioTracks()[0];
  pc.addTransceiver(audio || "audio", { direction: "sendonly", streams: [stream] });
  for (const track of stream.getVideoTracks()) pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
  try {
    const resource = await negotiate(pc, `/webrtc/whip/${path}`, token);
    return session(pc, resource, token);
  } catch (error) {
    pc.close();
    throw error;
  }
}

// Plays `path`; `onTrack` receives each remote track as it arrives.
export async function play(path, token, onTrack) {
  const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.ontrack = event => onTrack(event.track);
  try {
    const resource = await negotiate(pc, `/webrtc/whep/${path}`, token);
    return session(pc, resource, token);
  } catch (error) {
    pc.close();
    throw error;
  }
}
