import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSiteIndex } from '../../server/src/domain/site-index.js';
import { startMosquitto } from '../../tests/helpers/mosquitto.js';
import { openWall, ROOT, startWall } from '../../tests/helpers/wall-harness.js';
import { createProbe, type ProbeResult } from './alarm-probe.js';
import { watchSocket } from './socket-watch.js';

/**
 * The wall in Chromium under load, for as long as asked: `npm run soak:wall -- --hours 24` (or
 * `npm run bench:wall`, two minutes). A publisher sends `--rate` sensor readings a second (in range,
 * so no alarm of their own) spread over every depot of a generated `--depots` site, on top of the
 * simulator. Every `--alarm-every` seconds a smoke alarm is raised at the next depot in turn (every
 * `--blip-every`th one a trip shorter than a live-state tick, see alarm-probe.ts); it counts as seen when
 * a row of the wall's ticker carries its id within `--deadline` seconds, else as missed, with what the
 * detector, the server, the socket and the wall each had; then it is cleared and acknowledged so
 * nothing piles up. Every `--sample` seconds: frames drawn per second (requestAnimationFrame), JS heap
 * used, the heap after a forced GC (what a leak would grow), the DOM size and the machine's load
 * average (other work on the same cores lowers fps). Results go to bench/results/wall-soak-*.json.
 */
const { values } = parseArgs({
  options: {
    depots: { type: 'string', default: '200' },
    rate: { type: 'string', default: '1000' },
    hours: { type: 'string' },
    minutes: { type: 'string', default: '2' },
    sample: { type: 'string', default: '30' },
    'alarm-every': { type: 'string', default: '20' },
    deadline: { type: 'string', default: '30' },
    'blip-every': { type: 'string', default: '3' },
    storm: { type: 'boolean', default: false },
    viewport: { type: 'string', default: '1920x1080' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
  },
});
const n = Number(values.depots);
const rate = Number(values.rate);
const durationMs = (values.hours !== undefined ? Number(values.hours) * 60 : Number(values.minutes)) * 60_000;
const sampleMs = Number(values.sample) * 1000;
const alarmEveryMs = Number(values['alarm-every']) * 1000;
const deadlineMs = Number(values.deadline) * 1000;
const blipEvery = Number(values['blip-every']);
const [width, height] = values.viewport.split('x').map(Number) as [number, number];
const log = (msg: string): void => { process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`); };

// a private Mosquitto: the embedded broker (aedes) overflowed its stack under this publisher's bursts
const broker = await startMosquitto();
const h = await startWall(n, { scale: 1, tickMs: 250, env: { MQTT_URL: broker.url } });
let stopping = false;
const stop = async (): Promise<void> => { stopping = true; await h.stop(); await broker.stop(); };
process.on('SIGINT', () => { void stop().then(() => process.exit(130)); });
try {
  const site = h.ts.system.site;
  // load without alarms: readings inside every limit, for the temperature and humidity sensors no
  // rate-of-change rule watches. The simulator reports the same sensors with its own values; where a
  // rate rule applies (store temperatures, 2 °C/min, critical) the two flipping raised a storm of critical
  // alarms that buried the probe's smoke row under newer ones (the 2026-12-02 05:07 run: 262 waiting)
  const index = buildSiteIndex(site);
  const range = { temperature: [24, 27.9], humidity: [60, 64.9] } as const;
  const targets = site.depots.flatMap((d) => index.sensorsOf(d.id)
    .filter((e) => e.sensor.kind === 'temperature' || e.sensor.kind === 'humidity')
    // `--storm`: every such sensor, as before that run, to reproduce the storm
    .filter((e) => values.storm || e.rates.length === 0)
    .filter((e) => { const [lo, hi] = range[e.sensor.kind as 'temperature']; return values.storm || ((e.high ?? Infinity) > hi + 2 && (e.low ?? -Infinity) < lo - 2); })
    .map((e) => ({ topic: `depots/${d.id}/sensors/${e.sensor.id}`, kind: e.sensor.kind })));
  let sent = 0;
  let cursor = 0;
  // a fixed share per call: on a busy machine late timers send less (sentPerS says how much), rather
  // than bursts that back the publisher's socket up until its keepalive fails
  const perTick = rate / 20;
  let carry = 0;
  const load = setInterval(() => {
    carry += perTick;
    for (; carry >= 1; carry--) {
      const t = targets[cursor++ % targets.length]!;
      const value = t.kind === 'temperature' ? 24 + ((cursor % 40) / 10) : 60 + ((cursor % 50) / 10);
      h.ts.mqtt.publish(t.topic, `{"kind":"${t.kind}","value":${value.toFixed(1)},"unit":"${t.kind === 'temperature' ? 'C' : '%RH'}"}`, { qos: 0 });
      sent++;
    }
  }, 50);

  const page = await openWall(h, { width, height });
  await page.waitForSelector('[data-testid="tile-grid"]', { timeout: 30_000 });
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number };
    w.__frames = 0;
    const tick = (): void => { w.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const socket = await watchSocket(cdp);
  const taskTimes = async (): Promise<{ task: number; script: number }> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };
  let lastTimes = await taskTimes();
  const token = await h.ts.login();
  const fireDepots = site.depots.filter((d) => d.sensors.some((s) => s.kind === 'smoke'));
  log(`wall of ${n} depots at ${width}x${height}, ${rate} readings/s over ${targets.length} sensors, fires over ${fireDepots.length} depots, for ${durationMs / 60_000} min`);

  /** busyPct: the renderer main thread's task time per wall-clock second (CDP Performance TaskDuration), less sensitive than fps to a busy machine */
  interface Sample { tMin: number; fps: number; busyPct: number; scriptPct: number; heapMB: number; heapAfterGcMB: number; domNodes: number; sentPerS: number; load1: number }
  const samples: Sample[] = [];
  const probes: ProbeResult[] = [];
  const probe = createProbe({ ts: h.ts, page, socket, token, deadlineMs, log });
  const started = Date.now();
  let lastFrames = 0;
  let lastAt = started;
  let lastSent = 0;
  let fireIndex = 0;
  let nextAlarm = started + 5_000;
  let nextSample = started + sampleMs;

  const sample = async (): Promise<void> => {
    const now = Date.now();
    const frames = await page.evaluate(() => (window as unknown as { __frames: number }).__frames);
    const times = await taskTimes();
    const heap = await page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    const s: Sample = {
      tMin: +((now - started) / 60_000).toFixed(2), fps: +((frames - lastFrames) / ((now - lastAt) / 1000)).toFixed(1),
      busyPct: +((100 * (times.task - lastTimes.task)) / ((now - lastAt) / 1000)).toFixed(1),
      scriptPct: +((100 * (times.script - lastTimes.script)) / ((now - lastAt) / 1000)).toFixed(1),
      heapMB: +(heap / 2 ** 20).toFixed(1), heapAfterGcMB: +(after / 2 ** 20).toFixed(1), domNodes, sentPerS: Math.round((sent - lastSent) / ((now - lastAt) / 1000)),
      load1: +(loadavg()[0] ?? 0).toFixed(1),
    };
    lastFrames = frames; lastAt = now; lastSent = sent; lastTimes = await taskTimes();
    samples.push(s);
    log(`t=${s.tMin} min fps=${s.fps} main thread busy ${s.busyPct}% (script ${s.scriptPct}%) heap=${s.heapMB} MB (after GC ${s.heapAfterGcMB} MB) dom=${s.domNodes} readings=${s.sentPerS}/s load average ${s.load1} alarms seen ${probes.filter((p) => p.ms !== null).length}/${probes.length} socket seq ${socket.stats.lastSeq} gaps ${socket.stats.gaps.length} reconnects ${socket.stats.restarts}`);
  };

  // smoke at the next depot in turn, published straight to its detector, so the latency is the board's
  // and not a simulator interval's
  const fire = async (): Promise<void> => {
    const d = fireDepots[fireIndex % fireDepots.length]!;
    const kind = blipEvery > 0 && fireIndex % blipEvery === blipEvery - 1 ? 'blip' : 'fire';
    fireIndex++;
    probes.push(await probe.run(d.id, d.sensors.find((x) => x.kind === 'smoke')!.id, kind));
  };

  // a failing step is written down and the soak goes on; a dead publisher ends it early, results kept
  const errors: { at: string; step: string; error: string }[] = [];
  let aborted: string | null = null;
  const guarded = async (step: string, f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (err) {
      errors.push({ at: new Date().toISOString(), step, error: String(err) });
      log(`${step} failed: ${String(err)}`);
      if (!h.ts.mqtt.connected) aborted = `the publisher's MQTT connection closed (${String(err)})`;
    }
  };
  while (!stopping && aborted === null && Date.now() - started < durationMs) {
    if (Date.now() >= nextAlarm) { await guarded('alarm probe', fire); nextAlarm += alarmEveryMs; }
    if (Date.now() >= nextSample) { await guarded('sample', sample); nextSample += sampleMs; }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (aborted) log(`ended early: ${aborted}`);
  await guarded('last sample', sample);
  clearInterval(load);

  const steady = samples.slice(Math.min(2, samples.length - 1));
  const fps = steady.map((s) => s.fps).sort((a, b) => a - b);
  const gc = steady.map((s) => s.heapAfterGcMB);
  const lat = probes.map((p) => p.ms).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const loads = samples.map((s) => s.load1).sort((a, b) => a - b);
  const byKind = (k: string) => ({ injected: probes.filter((p) => p.kind === k).length, seen: probes.filter((p) => p.kind === k && p.ms !== null).length });
  const summary = {
    depots: n, ratePerS: rate, viewport: values.viewport, minutes: +((Date.now() - started) / 60_000).toFixed(1),
    fps: { median: fps[Math.floor(fps.length / 2)] ?? null, min: fps[0] ?? null },
    mainThreadBusyPct: { median: [...steady.map((s) => s.busyPct)].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? null, scriptMedian: [...steady.map((s) => s.scriptPct)].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? null },
    loadAvg: { atEnd: loadavg().map((l) => +l.toFixed(1)), min1: loads[0] ?? null, median1: loads[Math.floor(loads.length / 2)] ?? null, max1: loads.at(-1) ?? null, cores: cpus().length },
    heapAfterGcMB: { first: gc[0] ?? null, last: gc.at(-1) ?? null, max: gc.length ? Math.max(...gc) : null },
    alarms: {
      injected: probes.length, seen: lat.length, missed: probes.length - lat.length, fire: byKind('fire'), blip: byKind('blip'),
      medianMs: lat[Math.floor(lat.length / 2)] ?? null, maxMs: lat.at(-1) ?? null,
      missedAt: probes.filter((p) => p.ms === null).map((p) => `${p.at} ${p.id} (${p.kind})`),
      missedWhileWallLookedLive: probes.filter((p) => p.ms === null && p.diagnosis?.verdict.startsWith('the wall looked live')).length,
    },
    errors: errors.length, aborted,
    socket: { batches: socket.stats.batches, snapshots: socket.stats.snapshots, resyncs: socket.stats.resyncs, newConnections: socket.stats.restarts, gaps: socket.stats.gaps.length, lastSeq: socket.stats.lastSeq },
  };
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `wall-soak-${n}-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '')}.json`);
  writeFileSync(file, JSON.stringify({ summary, samples, probes, errors }, null, 1));
  log(`summary ${JSON.stringify(summary)}`);
  log(`written ${file}`);
} finally {
  if (!stopping) await stop();
}
