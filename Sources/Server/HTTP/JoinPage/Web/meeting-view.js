// The meeting's DOM: participant tiles, the chat log, notices. No state of its own beyond what it shows.

const $ = id => document.getElementById(id);

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

export class MeetingView {
  constructor() {
    this.tiles = new Map();
    this.toasts = [];
  }

  tile(userId) {
    return this.tiles.get(userId);
  }

  // One tile per participant; `actions` ({label, handler, name}) are the presenter's buttons for it.
  upsertTile(participant, { own, actions = [], avatar = null }) {
    let tile = this.tiles.get(participant.user_id);
    if (!tile) {
      const video = element("video", { autoplay: true, playsinline: true, class: "tile-video" });
      video.muted = own; // never play one's own microphone back
      const name = element("span", { class: "tile-name" });
      // Words, not pictograms: they need no emoji font and read the same to a screen reader.
      const mic = element("span", { class: "tile-mic badge" });
      const hand = element("span", { class: "tile-hand badge", hidden: true }, "Hand raised");
      const tools = element("div", { class: "tile-actions" });
      const figure = element("div", { class: "tile", role: "listitem", "data-user": participant.user_id },
        video, element("div", { class: "tile-label" }, name, mic, hand), tools);
      if (avatar) figure.prepend(element("img", { class: "tile-avatar", src: avatar, alt: "" }));
      $("tiles").append(figure);
      tile = { figure, video, name, mic, hand, tools, own, stream: new MediaStream() };
      this.tiles.set(participant.user_id, tile);
    }
    tile.participant = participant;
    tile.name.textContent = participant.name + (own ? " (you)" : "") + (participant.presenter ? " · presenter" : "");
    const micOn = !!participant.audio;
    tile.mic.textContent = micOn ? "Mic on" : "Mic off";
    tile.figure.classList.toggle("muted", !micOn);
    tile.figure.classList.toggle("camera-off", !participant.video);
    this.setHand(participant.user_id, !!participant.hand);
    tile.tools.replaceChildren(...actions.map(({ label, handler, name }) =>
      element("button", { type: "button", class: "small", "data-action": name, onclick: handler }, label)));
    return tile;
  }

  setHand(userId, raised) {
    const tile = this.tiles.get(userId);
    if (!tile) return;
    tile.hand.hidden = !raised;
    tile.figure.classList.toggle("hand-raised", raised);
  }

  // Adds a remote or own track to the tile's video element (one stream per tile: camera video + microphone).
  attach(userId, track) {
    const tile = this.tiles.get(userId);
    if (!tile || tile.stream.getTracks().includes(track)) return;
    for (const old of tile.stream.getTracks()) if (old.kind === track.kind) tile.stream.removeTrack(old);
    tile.stream.addTrack(track);
    if (tile.video.srcObject !== tile.stream) tile.video.srcObject = tile.stream;
    tile.video.play().catch(() => this.needsSoundClick(tile));
  }

  // Autoplay with sound can be refused before any click: one button starts every tile.
  needsSoundClick(tile) {
    if ($("sound-button")) return;
    const button = element("button", { type: "button", id: "sound-button", onclick: () => {
      for (const t of this.tiles.values()) t.video.play().catch(() => {});
      button.remove();
    } }, "Turn on meeting sound");
    $("controls").prepend(button);
  }

  removeTile(userId) {
    const tile = this.tiles.get(userId);
    if (!tile) return;
    tile.figure.remove();
    this.tiles.delete(userId);
  }

  clearTiles() {
    for (const userId of [...this.tiles.keys()]) this.removeTile(userId);
  }

  setSpeaker(userId) {
    for (const [id, tile] of this.tiles) tile.figure.classList.toggle("speaking", id === userId);
  }

  addChat(message, own) {
    const when = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const item = element("li", { class: own ? "chat-own" : "chat-other", "data-seq": message.seq },
      element("span", { class: "chat-from" }, `${message.name}${message.to ? " (private)" : ""}`),
      element("time", {}, when), element("p", {}, message.text));
    $("chat-log").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  toast(text) {
    this.toasts.push(text); // kept for diagnostics (window.parley.toasts)
    const item = element("p", {}, text);
    $("toast").append(item);
    setTimeout(() => item.remove(), 8000);
  }

  status(text) {
    $("status").textContent = text || "";
    $("status").hidden = !text;
  }

  notice(title, text, { canRejoin = false } = {}) {
    $("lobby").hidden = true;
    $("meeting").hidden = true;
    $("notice").hidden = false;
    $("notice-title").textContent = title;
    $("notice-text").textContent = text;
    $("rejoin").hidden = !canRejoin;
    $("notice-title").focus();
  }
}
