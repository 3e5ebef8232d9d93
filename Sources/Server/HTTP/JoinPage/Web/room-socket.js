// The room WebSocket (docs/contracts.md §Room WebSocket): joins, delivers events, and after a drop joins again by
// itself — first with the session token (it resumes the same participant), then with the link's own credentials.

// Close codes after which a new attempt cannot succeed; each maps to what the person is told. 1000 is not among
// them: the server sends it only after this page's own `leave`, which stops the socket first, so a 1000 seen here
// ended a connection nobody meant to end (an echo of a close the network or the browser made).
export const FINAL_CLOSES = {
  4000: "invalid",
  4001: "token",
  4003: "password",
  4013: "full",
  4023: "locked",
  4100: "kicked",
  4101: "ended",
  4104: "removed",
};

export class RoomSocket {
  // `credentials()` gives {userId, name, password, token} for a fresh join; `onEvent(name, data)` gets every event;
  // `onClosed(reason, error)` a final close; `onStatus(text|null)` the reconnect state.
  constructor(room, { credentials, onEvent, onClosed, onStatus }) {
    Object.assign(this, { room, credentials, onEvent, onClosed, onStatus });
    this.sessionToken = null;
    this.userId = null;
    this.attempt = 0;
    this.lastError = null;
    this.stopped = false;
    this.nextId = 1;
  }

  connect() {
    const fresh = this.credentials();
    const resume = this.sessionToken && this.userId;
    this.userId = resume ? this.userId : fresh.userId;
    const query = new URLSearchParams({ type: "meeting", user_id: this.userId, name: fresh.name });
    if (fresh.password) query.set("password", fresh.password);
    const token = resume ? this.sessionToken : fresh.token;
    if (token) query.set("token", token);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/room/${encodeURIComponent(this.room)}?${query}`);
    this.ws = ws;
    this.lastError = null;
    ws.onmessage = message => {
      if (message.data === "pong") return;
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.event === "joined") {
        this.sessionToken = frame.data.session_token;
        this.userId = frame.data.user_id;
        this.attempt = 0;
        this.onStatus(null);
      }
      if (frame.event === "error") this.lastError = frame.data;
      this.onEvent(frame.event, frame.data, frame.reply_to);
    };
    ws.onclose = event => this.closed(event.code, resume);
    // Any frame counts as activity for the server's idle timeout (60 s).
    clearInterval(this.keepAlive);
    this.keepAlive = setInterval(() => { if (ws.readyState === WebSocket.OPEN) ws.send("ping"); }, 20000);
  }

  closed(code, wasResume) {
    clearInterval(this.keepAlive);
    if (this.stopped) return;
    if (code === 4001 && wasResume) {
      // The session token no longer resumes (expired, or the server restarted): join as new.
      this.sessionToken = null;
      this.userId = null;
      return this.retry();
    }
    if (code === 4009 && !wasResume) {
      this.userId = null;
      this.sessionToken = null;
      this.credentials.renew?.();
      return this.retry(0);
    }
    const final = FINAL_CLOSES[code];
    if (final) {
      this.stopped = true;
      return this.onClosed(final, this.lastError);
    }
    this.retry();
  }

  retry(delay) {
    this.attempt += 1;
    const wait = delay ?? Math.min(10000, 500 * 2 ** Math.min(this.attempt, 5));
    this.onStatus(`Connection lost. Reconnecting (attempt ${this.attempt})…`);
    setTimeout(() => { if (!this.stopped) this.connect(); }, wait);
  }

  send(action, fields = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return null;
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ action, id, ...fields }));
    return id;
  }

  leave() {
    this.send("leave");
    this.stopped = true;
    clearInterval(this.keepAlive);
  }
}
