// The landing page's "New meeting" button: a room is made by joining it, so a fresh name is all it takes.
import { randomRoomId } from "/assets/join-params.js";

const form = document.getElementById("new-meeting");
const input = document.getElementById("room-input");
form.addEventListener("submit", event => {
  event.preventDefault();
  const room = input.value.trim() || randomRoomId();
  if (!/^[A-Za-z0-9._~-]{1,64}$/.test(room)) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  location.assign(`/join/${room}`);
});
