import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import type { TelemetryPoint } from '../server/src/contracts/telemetry.js';
import type { TelemetryQueue } from '../server/src/ports/telemetry-queue.js';

/**
 * `npx tsx bench/queue-sync.ts [--rate 1000] [--sec 5] [--module PATH]`: the centre's telemetry queue alone,
 * fed at a steady rate the way mqtt.js hands over messages (whatever is due, every millisecond), each with
 * an onDurable callback as the PUBACK has. Prints the event loop's utilisation (what the queue leaves to the
 * live board and the alarms), the main thread's time inside append() and due → onDurable (the PUBACK's wait,
 * from when the message was due). --module measures another queue implementation, e.g. an export of an earlier
 * commit (`git archive <commit> | tar -x -C DIR`, then DIR/server/src/adapters/sqlite/telemetry-queue.ts).
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = args.indexOf(name); return i >= 0 ? (args[i + 1] ?? fallback) : fallback; };
const rate = Number(arg('--rate', '1000'));
const sec = Number(arg('--sec', '5'));
const modulePath = arg('--module', '../server/src/adapters/sqlite/telemetry-queue.ts');
const url = modulePath.startsWith('.') ? new URL(modulePath, import.meta.url).href : pathToFileURL(resolve(modulePath)).href;
const { openTelemetryQueue } = (await import(url)) as { openTelemetryQueue: (o: { path: string; maxBytes: number; logger: unknown }) => TelemetryQueue };

const dir = mkdtempSync(join(tmpdir(), 'depotwatch-queue-sync-'));
const queue = openTelemetryQueue({ path: join(dir, 'telemetry-queue.db'), maxBytes: 2 ** 31, logger: pino({ level: 'silent' }) });
const point = (i: number): TelemetryPoint => ({
  measurement: 'sensor', tags: { depot: `D${i % 200}`, zone: 'A', sensor: `S${i % 50}`, kind: 'temperature' }, fields: { value: 20 + (i % 100) / 10 }, ts: Date.now(),
});
const waits: number[] = [];
let inAppend = 0;
let sent = 0;
const t0 = performance.now();
const elu0 = performance.eventLoopUtilization();
await new Promise<void>((done) => {
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    const s = performance.now();
    while (sent < due) {
      // from when the message was due, as the broker sees it: a loop blocked in fsync delays the append itself
      const at = t0 + (sent * 1000) / rate;
      queue.append([point(sent)], () => waits.push(performance.now() - at));
      sent++;
    }
    inAppend += performance.now() - s;
    // the writer's part, kept small: what is committed is read back and removed, as after a store write
    if (queue.stats().rows > 5000) {
      const rows = queue.readAfter(0, 5000);
      const first = rows[0];
      const last = rows.at(-1);
      if (first && last) queue.remove(first.id, last.id);
    }
    if (performance.now() - t0 >= sec * 1000) { clearInterval(timer); done(); }
  }, 1);
});
const elu = performance.eventLoopUtilization(elu0);
await new Promise((r) => setTimeout(r, 500));
queue.close();
rmSync(dir, { recursive: true, force: true });
waits.sort((a, b) => a - b);
const at = (p: number) => (waits[Math.min(waits.length - 1, Math.floor(p * waits.length))] ?? NaN).toFixed(1);
console.log(`${modulePath} at ${rate} msg/s for ${sec} s (load average ${loadavg()[0]?.toFixed(1)}): ${sent} appended, ${waits.length} durable; `
  + `event loop busy ${(elu.utilization * 100).toFixed(1)} %; main thread in append() ${(inAppend / sec).toFixed(0)} ms/s; `
  + `due → onDurable p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
