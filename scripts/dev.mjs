#!/usr/bin/env node
// `npm run dev`: the server with auto-restart (tsx watch) on :8080 and the board through Vite's dev
// server on :5173 with hot reload, which proxies /api and /socket.io to the server.
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'demo/main.ts'], { stdio: 'inherit', env: { SIMULATE_SCALE: '0.5', ...process.env } }),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
];
const stop = () => { for (const c of children) c.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
