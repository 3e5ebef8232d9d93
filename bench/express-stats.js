// Baseline for `make bench`: MiroTalk's stack (Node + Express) serving the same GET /api/v1/stats contract as
// Parley (authorization header check, ISO timestamp, room and user counts from an in-memory map).
'use strict';
const express = require('express');

const port = Number(process.argv[2] || 3099);
const keySecret = process.env.API_KEY_SECRET || 'bench-key';
// BENCH_ROOMS empty rooms, as many as Parley holds in the same run; else one room with two users.
const rooms = process.env.BENCH_ROOMS
  ? new Map(Array.from({ length: Number(process.env.BENCH_ROOMS) }, (_, i) => [`bench-${i}`, new Map()]))
  : new Map([['bench', new Map([['u1', {}], ['u2', {}]])]]);

const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/api/v1/stats', (req, res) => {
  if (req.headers.authorization !== keySecret) return res.status(403).json({ error: 'Unauthorized!' });
  let totalUsers = 0;
  for (const peers of rooms.values()) totalUsers += peers.size;
  res.set('X-Content-Type-Options', 'nosniff');
  res.json({ success: true, timestamp: new Date().toISOString(), totalRooms: rooms.size, totalUsers });
});
app.listen(port, '127.0.0.1', () => console.log(`express baseline on 127.0.0.1:${port}`));
