// The meeting page: lobby, then the room over the room WebSocket, own media over WHIP and everyone else's over
// WHEP, all with the session token the room hands out (docs/join-page.md).
import { readJoinParams, randomId } from "/assets/join-params.js";
import { RoomSocket } from "/assets/room-socket.js";
import { publish, play } from "/assets/whip-whep.js";
import { MeetingView } from "/assets/meeting-view.js";
import { watchActiveSpeaker } from "/assets/active-speaker.js";

const $ = id => document.getElementById(id);
const params = readJoinParams(new URL(location.href));
const view = new MeetingView();
const state = {
  phase: "lobby", userId: null, role: null, locked: false, joins: 0,
  participants: new Map(), streams: new Map(), players: new Map(),
  publisher: null, screen: null, local: new MediaStream(),
  audioOn: params.audio, videoOn: params.video, handRaised: false, chatMuted: false,
  name: params.name, password: params.password, kickedBy: null,
};
let socket = null;
let candidateId = `u-${randomId(10)}`;

const isPresenter = () => state.role === "presenter" || state.role === "host";
const nameOf = userId => state.participants.get(userId)?.name || userId;
// `by` is `user:{id}` or `api:{face}` (spec/room-ws.asyncapi.yaml): a name for the first, "The organiser" else.
const describeBy = by => (by?.startsWith("user:") ? nameOf(by.slice(5)) : by ? "The organiser" : "");

// MARK: local media

async function acquire() {
  const audioId = $("mic-select").value;
  const videoId = $("camera-select").value;
  const audio = audioId ? { deviceId: { exact: audioId } } : true;
  const video = { width: { ideal: 640 }, height: { ideal: 360 }, ...(videoId ? { deviceId: { exact: videoId } } : {}) };
  for (const track of state.local.getTracks()) track.stop();
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio });
      view.toast("No camera could be opened: joining with the microphone only.");
    } catch {
      stream = new MediaStream();
      view.toast("No camera or microphone could be opened: you can still watch, listen and chat.");
    }
  }
  state.local = stream;
  applyLocalFlags();
  $("preview").srcObject = stream;
  return stream;
}

function applyLocalFlags() {
  for (const track of state.local.getAudioTracks()) track.enabled = state.audioOn;
  for (const track of state.local.getVideoTracks()) track.enabled = state.videoOn;
  const mic = $("mic-button");
  mic.textContent = state.audioOn ? "Mute microphone" : "Unmute microphone";
  mic.setAttribute("aria-pressed", String(!state.audioOn));
  const cam = $("cam-button");
  cam.textContent = state.videoOn ? "Turn camera off" : "Turn camera on";
  cam.setAttribute("aria-pressed", String(!state.videoOn));
}

async function fillDeviceChoices() {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  for (const [select, kind, label] of [[$("camera-select"), "videoinput", "Camera"], [$("mic-select"), "audioinput", "Microphone"]]) {
    const current = state.local.getTracks().find(t => (t.kind === "video") === (kind === "videoinput"));
    const chosen = current?.getSettings().deviceId;
    select.replaceChildren(...devices.filter(d => d.kind === kind).map((d, i) => {
      const option = new Option(d.label || `${label} ${i + 1}`, d.deviceId);
      option.selected = d.deviceId === chosen;
      return option;
    }));
  }
}

function reportMedia() {
  socket?.send("media", { audio: state.audioOn && state.local.getAudioTracks().length > 0,
    video: state.videoOn && state.local.getVideoTracks().length > 0, screen: !!state.screen });
}

// MARK: lobby

async function showLobby(errorText = "") {
  state.phase = "lobby";
  $("lobby").hidden = false;
  $("meeting").hidden = true;
  $("notice").hidden = true;
  $("name-input").value = state.name || "";
  $("password-row").hidden = !(params.askPassword || errorText);
  $("lobby-audio").checked = state.audioOn;
  $("lobby-video").checked = state.videoOn;
  $("lobby-error").textContent = errorText;
  if (state.local.getTracks().length === 0) await acquire();
  await fillDeviceChoices();
  state.phase = "lobby-ready";
  (state.name ? $("join-button") : $("name-input")).focus();
}

$("camera-select").addEventListener("change", () => acquire());
$("mic-select").addEventListener("change", () => acquire());
$("lobby-audio").addEventListener("change", event => { state.audioOn = event.target.checked; applyLocalFlags(); });
$("lobby-video").addEventListener("change", event => { state.videoOn = event.target.checked; applyLocalFlags(); });
$("lobby-form").addEventListener("submit", event => {
  event.preventDefault();
  const name = $("name-input").value.trim();
  if (!name) {
    $("lobby-error").textContent = "Please enter your name.";
    $("name-input").focus();
    return;
  }
  state.name = name;
  if (!$("password-row").hidden) state.password = $("password-input").value || null;
  join();
});

// MARK: the room

function join() {
  state.phase = "joining";
  $("lobby").hidden = true;
  $("notice").hidden = true;
  $("meeting").hidden = false;
  const credentials = () => ({ userId: candidateId, name: state.name, password: state.password, token: params.token });
  credentials.renew = () => { candidateId = `u-${randomId(10)}`; };
  socket = new RoomSocket(params.room, {
    credentials,
    onEvent: handleEvent,
    onClosed: handleClosed,
    onStatus: text => {
      view.status(text);
      if (text) stopAllMedia();
    },
  });
  socket.connect();
}

function tileActions(participant) {
  if (!isPresenter() || participant.user_id === state.userId) return [];
  return [
    { name: "mute", label: `Ask ${participant.name} to mute`,
      handler: () => socket.send("mute_media", { user_id: participant.user_id, kind: "audio" }) },
    { name: "kick", label: `Remove ${participant.name}`,
      handler: () => socket.send("kick", { user_id: participant.user_id }) },
  ];
}

function renderParticipant(participant) {
  state.participants.set(participant.user_id, participant);
  const own = participant.user_id === state.userId;
  if (own && participant.role) state.role = participant.role;
  if (own && params.hide) return;
  const tile = view.upsertTile(participant, { own, actions: tileActions(participant), avatar: params.avatar && own ? params.avatar : null });
  if (own) for (const track of state.local.getVideoTracks()) view.attach(participant.user_id, track);
  return tile;
}

function renderPresenterControls() {
  for (const button of document.querySelectorAll(".presenter-only")) button.hidden = !isPresenter();
  $("lock-button").textContent = state.locked ? "Unlock room" : "Lock room";
  $("lock-button").setAttribute("aria-pressed", String(state.locked));
  for (const participant of state.participants.values()) renderParticipant(participant);
}

async function startPublishing() {
  const own = state.userId;
  if (state.local.getTracks().length === 0) return reportMedia();
  try {
    const session = await publish(`room/${params.room}/${own}`, socket.sessionToken, state.local);
    if (own !== state.userId || state.phase !== "joined") return session.close();
    state.publisher = session;
    session.pc.addEventListener("connectionstatechange", () => {
      if (session.pc.connectionState === "failed" && state.publisher === session) {
        state.publisher = null;
        session.close();
        setTimeout(() => { if (state.phase === "joined" && !state.publisher) startPublishing(); }, 2000);
      }
    });
  } catch (error) {
    view.toast(`Your camera and microphone could not be sent (${error.message}).`);
  }
  reportMedia();
}

async function startPlayer(stream) {
  if (!stream.user_id || stream.user_id === state.userId || state.players.has(stream.path)) return;
  state.streams.set(stream.path, stream);
  const screen = stream.path.endsWith("/screen");
  const tileId = screen ? `${stream.user_id}/screen` : stream.user_id;
  if (screen) {
    view.upsertTile({ user_id: tileId, name: `${nameOf(stream.user_id)}'s screen`, audio: false, video: true }, { own: false });
  }
  const entry = { userId: stream.user_id, screen, session: null };
  state.players.set(stream.path, entry);
  try {
    entry.session = await play(stream.path, socket.sessionToken, track => view.attach(tileId, track));
    if (state.players.get(stream.path) !== entry) return entry.session.close();
    entry.session.pc.addEventListener("connectionstatechange", () => {
      if (entry.session.pc.connectionState !== "failed" || state.players.get(stream.path) !== entry) return;
      stopPlayer(stream.path);
      setTimeout(() => { if (state.streams.has(stream.path)) startPlayer(state.streams.get(stream.path)); }, 2000);
    });
  } catch (error) {
    state.players.delete(stream.path);
    view.toast(`${nameOf(stream.user_id)}'s media could not be played (${error.message}).`);
  }
}

function stopPlayer(path) {
  const entry = state.players.get(path);
  if (!entry) return;
  state.players.delete(path);
  entry.session?.close();
  if (entry.screen) view.removeTile(`${entry.userId}/screen`);
}

function stopAllMedia() {
  for (const path of [...state.players.keys()]) stopPlayer(path);
  state.publisher?.close();
  state.publisher = null;
  state.screen?.session?.close();
  state.screen?.stream.getTracks().forEach(t => t.stop());
  state.screen = null;
  $("screen-button").setAttribute("aria-pressed", "false");
  $("screen-button").textContent = "Share screen";
}

let firstJoin = true;
function handleEvent(event, data) {
  switch (event) {
    case "joined":
      stopAllMedia();
      view.clearTiles();
      state.participants.clear();
      state.streams.clear();
      state.userId = data.user_id;
      state.role = data.role;
      state.locked = data.room.locked;
      state.phase = "joined";
      state.joins += 1;
      $("room-title").textContent = data.room.name || params.room;
      for (const participant of data.participants) renderParticipant(participant);
      renderPresenterControls();
      startPublishing();
      for (const stream of data.streams) startPlayer(stream);
      if (firstJoin) onFirstJoin();
      firstJoin = false;
      break;
    case "userjoin":
      renderParticipant(data);
      if (params.notify) view.toast(`${data.name} joined.`);
      break;
    case "userleave": {
      const name = nameOf(data.user_id);
      state.participants.delete(data.user_id);
      view.removeTile(data.user_id);
      for (const [path, stream] of state.streams) if (stream.user_id === data.user_id) { state.streams.delete(path); stopPlayer(path); }
      view.toast(data.reason === "kicked" ? `${name} was removed from the meeting.` : `${name} left.`);
      break;
    }
    case "participant":
      renderParticipant(data);
      if (data.user_id === state.userId) renderPresenterControls();
      break;
    case "hand": {
      const participant = state.participants.get(data.user_id);
      if (participant) participant.hand = data.raised;
      view.setHand(data.user_id, data.raised);
      if (data.raised && data.user_id !== state.userId) view.toast(`${nameOf(data.user_id)} raised their hand.`);
      break;
    }
    case "msg":
      view.addChat(data, data.from === state.userId);
      if ($("chat-panel").hidden) {
        $("chat-button").textContent = "Chat (new)";
        view.toast(`${data.name}: ${data.text}`);
      }
      break;
    case "control":
      handleControl(data);
      break;
    case "locked":
    case "unlocked":
      state.locked = event === "locked";
      renderPresenterControls();
      view.toast(state.locked ? "The room is locked: nobody new can join." : "The room is unlocked.");
      break;
    case "ended":
      state.endedBy = data.by;
      break;
    case "publish":
      startPlayer(data);
      break;
    case "unpublish":
      state.streams.delete(data.path);
      stopPlayer(data.path);
      break;
    case "error":
      if (state.phase === "joined") view.toast(data.reason);
      break;
  }
}

function handleControl(data) {
  const me = data.user_id === state.userId;
  if (data.action === "mute_media") {
    if (!me) return view.toast(`${nameOf(data.user_id)} was asked to mute.`);
    if (data.kind === "audio" || data.kind === "all") state.audioOn = false;
    if (data.kind === "video" || data.kind === "all") state.videoOn = false;
    applyLocalFlags();
    reportMedia();
    view.toast(`${describeBy(data.by) || "A presenter"} asked you to mute. Unmute when you want to speak.`);
  } else if (data.action === "kick" && me) {
    state.kickedBy = data.by;
  } else if (data.action === "mute_chat" && me) {
    state.chatMuted = data.muted;
    $("chat-input").disabled = data.muted;
    view.toast(data.muted ? "A presenter turned off your chat." : "You can chat again.");
  }
}

const CLOSE_TEXT = {
  kicked: ["You were removed from the meeting", "A presenter removed you from this meeting.", false],
  removed: ["You were removed from the meeting", "The organiser removed you from this meeting.", false],
  ended: ["The meeting has ended", "Thank you for joining.", false],
  locked: ["This room is locked", "A presenter has locked this room. Ask them to unlock it, then join again.", true],
  full: ["This room is full", "The room has reached its maximum number of participants. Try again later.", true],
  token: ["This link cannot be used", "Your invitation could not be verified", false],
  invalid: ["This meeting link is not valid", "The room or name in this link cannot be used", false],
  left: ["You left the meeting", "Join again whenever you like.", true],
  time: ["Time is up", "This meeting link was limited in time and the time is over.", false],
};

function handleClosed(reason, error) {
  const wasJoined = state.phase === "joined";
  state.phase = "closed";
  state.closeReason = reason;
  stopAllMedia();
  view.status(null);
  if (reason === "password") {
    state.password = null;
    return showLobby(error?.reason || "Wrong room password.");
  }
  const [title, text, canRejoin] = CLOSE_TEXT[reason] || ["Disconnected", "The connection to the meeting ended.", true];
  let detail = text;
  if (reason === "kicked" && state.kickedBy) detail = `${describeBy(state.kickedBy)} removed you from this meeting.`;
  if ((reason === "token" || reason === "invalid") && error?.reason) detail = `${text}: ${error.reason}`;
  if (!wasJoined && reason === "ended") detail = "This meeting has ended.";
  for (const track of state.local.getTracks()) track.stop();
  view.notice(title, detail, { canRejoin });
}

function onFirstJoin() {
  if (params.chat) toggleChat(true);
  if (params.notify) view.toast(`Invite others with this link: ${location.origin}/join/${params.room}`);
  if (params.screen) toggleScreen().catch(() => {});
  if (params.durationSeconds) startCountdown(params.durationSeconds);
}

function startCountdown(total) {
  const end = Date.now() + total * 1000;
  const timer = $("timer");
  timer.hidden = false;
  const tick = setInterval(() => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const hh = String(Math.floor(left / 3600)).padStart(2, "0");
    const mm = String(Math.floor(left / 60) % 60).padStart(2, "0");
    const ss = String(left % 60).padStart(2, "0");
    timer.textContent = `Time left ${hh}:${mm}:${ss}`;
    if (left === 0) {
      clearInterval(tick);
      socket?.leave();
      handleClosed("time");
    }
  }, 1000);
}

// MARK: controls

function toggleChat(open = $("chat-panel").hidden) {
  $("chat-panel").hidden = !open;
  $("chat-button").setAttribute("aria-expanded", String(open));
  $("chat-button").textContent = "Chat";
  if (open) $("chat-input").focus();
}

async function toggleScreen() {
  if (state.screen) {
    stopScreen();
    return;
  }
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const entry = { stream, session: null };
  state.screen = entry;
  stream.getVideoTracks()[0].addEventListener("ended", () => { if (state.screen === entry) stopScreen(); });
  $("screen-button").setAttribute("aria-pressed", "true");
  $("screen-button").textContent = "Stop sharing";
  try {
    entry.session = await publish(`room/${params.room}/${state.userId}/screen`, socket.sessionToken, stream);
  } catch (error) {
    stopScreen();
    view.toast(`Your screen could not be shared (${error.message}).`);
  }
  reportMedia();
}

function stopScreen() {
  state.screen?.session?.close();
  state.screen?.stream.getTracks().forEach(t => t.stop());
  state.screen = null;
  $("screen-button").setAttribute("aria-pressed", "false");
  $("screen-button").textContent = "Share screen";
  reportMedia();
}

$("mic-button").addEventListener("click", () => { state.audioOn = !state.audioOn; applyLocalFlags(); reportMedia(); });
$("cam-button").addEventListener("click", () => { state.videoOn = !state.videoOn; applyLocalFlags(); reportMedia(); });
$("screen-button").addEventListener("click", () => toggleScreen().catch(error => view.toast(`Screen sharing did not start (${error.message}).`)));
$("hand-button").addEventListener("click", () => {
  state.handRaised = !state.handRaised;
  socket.send("hand", { raised: state.handRaised });
  $("hand-button").textContent = state.handRaised ? "Lower hand" : "Raise hand";
  $("hand-button").setAttribute("aria-pressed", String(state.handRaised));
});
$("chat-button").addEventListener("click", () => toggleChat());
$("chat-form").addEventListener("submit", event => {
  event.preventDefault();
  const text = $("chat-input").value.trim();
  if (!text) return;
  socket.send("chat", { text });
  $("chat-input").value = "";
});
$("lock-button").addEventListener("click", () => socket.send(state.locked ? "unlock" : "lock"));
let endArmed = null;
$("end-button").addEventListener("click", () => {
  // Two presses: ending throws everyone out, so the first press only asks.
  if (endArmed) {
    clearTimeout(endArmed);
    socket.send("end");
    return;
  }
  $("end-button").textContent = "Press again to end for everyone";
  endArmed = setTimeout(() => { endArmed = null; $("end-button").textContent = "End meeting"; }, 5000);
});
$("leave-button").addEventListener("click", () => {
  socket.leave();
  handleClosed("left");
});
$("rejoin").addEventListener("click", () => location.reload());

// MARK: start

watchActiveSpeaker(() => {
  const sources = [];
  if (state.publisher) sources.push({ userId: state.userId, pc: state.publisher.pc, own: true, muted: !state.audioOn });
  for (const entry of state.players.values()) if (!entry.screen && entry.session) sources.push({ userId: entry.userId, pc: entry.session.pc });
  return sources;
}, speaker => view.setSpeaker(speaker));

// For tests and diagnostics: what each remote player decodes (getStats), per participant.
window.parley = {
  state,
  toasts: view.toasts,
  // Cuts the room connection as a network drop would (a close the page did not ask for): the reconnect path.
  dropConnection() { socket?.ws?.close(3000, "simulated drop"); },
  async remoteStats() {
    const out = {};
    for (const [path, entry] of state.players) {
      const row = { userId: entry.userId, connection: entry.session?.pc.connectionState || "new", framesDecoded: 0,
        frameWidth: 0, videoPackets: 0, audioPackets: 0, audioSamples: 0 };
      for (const report of entry.session ? (await entry.session.pc.getStats()).values() : []) {
        if (report.type !== "inbound-rtp") continue;
        if (report.kind === "video") {
          row.framesDecoded = report.framesDecoded || 0;
          row.frameWidth = report.frameWidth || 0;
          row.videoPackets = report.packetsReceived || 0;
        } else {
          row.audioPackets = report.packetsReceived || 0;
          row.audioSamples = report.totalSamplesReceived || 0;
        }
      }
      out[path] = row;
    }
    return out;
  },
};

$("room-title").textContent = params.room;
document.title = `${params.room} · Parley`;
if (params.name && !params.askPassword) {
  acquire().then(join);
} else {
  showLobby();
}
