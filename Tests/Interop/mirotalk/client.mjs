"use strict";

// MiroTalk SFU REST API client in the style of the upstream JavaScript examples, using Node's global fetch
// (Node >= 18) instead of node-fetch. Calls stats, meetings, meeting, join and token in turn and prints one line
// per call: "<name>: <what the examples print>".
// Environment: MIROTALK_URL (base, default https://127.0.0.1:3010), API_KEY_SECRET.

const API_KEY_SECRET = process.env.API_KEY_SECRET || "mirotalksfu_default_secret";
const MIROTALK_URL = (process.env.MIROTALK_URL || "https://127.0.0.1:3010") + "/api/v1";

async function call(path, method, body) {
  const response = await fetch(MIROTALK_URL + path, {
    method: method,
    headers: {
      authorization: API_KEY_SECRET,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  console.log(`${path.slice(1)} status: ${response.status}`);
  return response.json();
}

async function main() {
  try {
    const stats = await call("/stats", "GET");
    if (stats.error) console.log("Error:", stats.error);
    else console.log("stats:", JSON.stringify(stats));

    const data = await call("/meetings", "GET");
    if (data.error) console.log("Error:", data.error);
    else if (data && data.meetings) console.log("meetings:", JSON.stringify({ meetings: data.meetings }));

    const meeting = await call("/meeting", "POST");
    if (meeting.error) console.log("Error:", meeting.error);
    else console.log("meeting:", meeting.meeting);

    const join = await call("/join", "POST", {
      room: "test",
      roomPassword: false,
      name: "mirotalksfu",
      audio: true,
      video: true,
      screen: false,
      hide: false,
      notify: true,
      duration: "unlimited",
      token: { username: "username", password: "password", presenter: true, expire: "1h" },
    });
    if (join.error) console.log("Error:", join.error);
    else console.log("join:", join.join);

    const token = await call("/token", "POST", {
      username: "username",
      password: "password",
      presenter: true,
      expire: "1h",
    });
    if (token.error) console.log("Error:", token.error);
    else console.log("token:", token.token);
  } catch (error) {
    console.error("Error fetching data:", error);
    process.exit(1);
  }
}

main();
