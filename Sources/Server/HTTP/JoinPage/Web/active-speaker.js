// Who is speaking: the RTP audio level (RFC 6464, surfaced as getStats `audioLevel`, 0..1) of every remote player
// and of the own microphone's media source, sampled twice a second. The loudest above a floor holds the highlight.

const FLOOR = 0.02;

async function levelOf(pc, type) {
  if (!pc) return 0;
  let level = 0;
  for (const report of (await pc.getStats()).values()) {
    if (report.type === type && report.kind === "audio" && typeof report.audioLevel === "number") {
      level = Math.max(level, report.audioLevel);
    }
  }
  return level;
}

// `sources()` → [{userId, pc, own}]; `onSpeaker(userId|null)` when the loudest changes.
export function watchActiveSpeaker(sources, onSpeaker, interval = 500) {
  let current = null;
  const timer = setInterval(async () => {
    let best = null;
    let bestLevel = FLOOR;
    for (const { userId, pc, own, muted } of sources()) {
      if (muted) continue;
      const level = await levelOf(pc, own ? "media-source" : "inbound-rtp").catch(() => 0);
      if (level > bestLevel) { best = userId; bestLevel = level; }
    }
    if (best !== current) {
      current = best;
      onSpeaker(best);
    }
  }, interval);
  return () => clearInterval(timer);
}
