// The join link's parameters, read as MiroTalk's client reads them (its Room.js): `/join/{room}` or
// `/join?room=…&roomPassword=…&name=…&avatar=…&audio=…&video=…&screen=…&chat=…&hide=…&notify=…&duration=…&token=…`.

const ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(length) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, b => ID_CHARS[b % ID_CHARS.length]).join("");
}

export const randomRoomId = () => randomId(12);

// MiroTalk booleans: `1` or `true`; anything else is false. Absent gives `fallback`.
function flag(query, name, fallback) {
  const value = query.get(name);
  if (value === null) return fallback;
  return value === "1" || value.toLowerCase() === "true";
}

// `HH:MM:SS` → seconds; `unlimited`, absent or unreadable → null (no countdown).
export function parseDuration(text) {
  const match = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(text || "");
  if (!match) return null;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return seconds > 0 ? seconds : null;
}

export function readJoinParams(url) {
  const query = url.searchParams;
  let room = query.get("room");
  if (room === null && url.pathname.startsWith("/join/")) room = decodeURIComponent(url.pathname.slice(6));
  if (!room || room === "random") room = randomRoomId();
  let name = query.get("name");
  if (name === "random") name = `User-${Math.floor(Math.random() * 999999)}`;
  const password = query.get("roomPassword");
  const avatar = query.get("avatar");
  return {
    room,
    name: name && name.trim() ? name.trim().slice(0, 256) : null,
    // `true` asks in the lobby; `false`/`0`/absent is none; any other value is the password.
    askPassword: password === "true" || password === "1",
    password: password && !["true", "1", "false", "0"].includes(password) ? password : null,
    avatar: avatar && avatar !== "false" && avatar !== "0" ? avatar : null,
    audio: flag(query, "audio", true),
    video: flag(query, "video", true),
    screen: flag(query, "screen", false),
    chat: flag(query, "chat", false),
    hide: flag(query, "hide", false),
    notify: flag(query, "notify", false),
    durationSeconds: parseDuration(query.get("duration")),
    token: query.get("token") || null,
  };
}
