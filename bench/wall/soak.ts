import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AlarmView } from '../../server/src/contracts/alarms.js';
import { startMosquitto } from '../../tests/helpers/mosquitto.js';
import { openWall, ROOT, startWall } from '../../tests/helpers/wall-harness.js';

/**
 * The wall in Chromium under load, for as long as asked: `npm run soak:wall -- --hours 24` (or
 * `npm run bench:wall`, two minutes). A publisher sends `--rate` sensor readings a second (in range,
 * so no alarm of their own) spread over every depot of a generated `--depots` site, on top of the
 * simulator. Every `--alarm-every` seconds a fire is injected at the next depot in turn; it counts as
 * seen when the wall shows that depot not ready and the ticker lists its alarm within `--deadline`
 * seconds, else as missed; then it is cleared and acknowledged so nothing piles up. Every `--sample`
 * seconds: frames drawn per second (requestAnimationFrame), JS heap used, the heap after a forced GC
 * (what a leak would grow) and the DOM size. Results go to bench/results/wall-soak-*.json.
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
  // in-range readings for every temperature and humidity sensor of the site: load without alarms
  const targets = site.depots.flatMap((d) => d.sensors.filter((s) => s.kind === 'temperature' || s.kind === 'humidity')
    .map((s) => ({ topic: `depots/${d.id}/sensors/${s.id}`, kind: s.kind })));
  let sent = 0;
  let cursor = 0;
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
  interface Sample { tMin: number; fps: number; busyPct: number; scriptPct: number; heapMB: number; heapAfterGcMB: number; domNodes: number; sentPerS: number }
  const samples: Sample[] = [];
  const alarms = { injected: 0, seen: 0, missed: 0, latenciesMs: [] as number[], missedAt: [] as string[] };
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
    };
    lastFrames = frames; lastAt = now; lastSent = sent; lastTimes = await taskTimes();
    samples.push(s);
    log(`t=${s.tMin} min fps=${s.fps} main thread busy ${s.busyPct}% (script ${s.scriptPct}%) heap=${s.heapMB} MB (after GC ${s.heapAfterGcMB} MB) dom=${s.domNodes} load=${s.sentPerS}/s alarms seen ${alarms.seen}/${alarms.injected}`);
  };

  // the probe: smoke at the next depot in turn, published straight to its detector, so the latency is the
  // board's and not a simulator interval's; seen when the ticker lists that alarm (the simulator's next
  // reading returns it to normal, and it stays listed until acknowledged, as a real one would)
  const fire = async (): Promise<void> => {
    const d = fireDepots[fireIndex++ % fireDepots.length]!;
    const sensor = d.sensors.find((x) => x.kind === 'smoke')!.id;
    const id = `${d.id}/smoke:${sensor}`;
    const t0 = Date.now();
    await h.ts.mqtt.publishAsync(`depots/${d.id}/sensors/${sensor}`, JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    alarms.injected++;
    try {
      await page.waitForFunction((aid) => [...document.querySelectorAll('[data-testid="ticker-row"]')].some((r) => r.getAttribute('data-alarm') === aid), id, { timeout: deadlineMs, polling: 100 });
      alarms.seen++;
      alarms.latenciesMs.push(Date.now() - t0);
    } catch {
      alarms.missed++;
      alarms.missedAt.push(`${new Date().toISOString()} ${id}`);
      log(`MISSED: ${id} not on the wall within ${deadlineMs / 1000} s`);
    }
    await h.ts.mqtt.publishAsync(`depots/${d.id}/sensors/${sensor}`, JSON.stringify({ kind: 'smoke', value: 0 }), { qos: 1 });
    // acknowledge it, so the list stays as short as on a calm day
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const r = await h.ts.api(`/api/alarms/${encodeURIComponent(id)}/ack`, token, { method: 'POST', body: JSON.stringify({ note: 'soak' }) });
      const a = (await h.ts.api<AlarmView[]>('/api/alarms', token)).body.find((x) => x.id === id);
      if (r.status < 300 && (!a || a.state === 'normal')) break;
      await new Promise((res) => setTimeout(res, 500));
    }
  };

  while (!stopping && Date.now() - started < durationMs) {
    if (Date.now() >= nextAlarm) { await fire(); nextAlarm += alarmEveryMs; }
    if (Date.now() >= nextSample) { await sample(); nextSample += sampleMs; }
    await new Promise((r) => setTimeout(r, 200));
  }
  await sample();
  clearInterval(load);

  const steady = samples.slice(Math.min(2, samples.length - 1));
  const fps = steady.map((s) => s.fps).sort((a, b) => a - b);
  const gc = steady.map((s) => s.heapAfterGcMB);
  const lat = [...alarms.latenciesMs].sort((a, b) => a - b);
  const summary = {
    depots: n, ratePerS: rate, viewport: values.viewport, minutes: +((Date.now() - started) / 60_000).toFixed(1),
    fps: { median: fps[Math.floor(fps.length / 2)] ?? null, min: fps[0] ?? null },
    mainThreadBusyPct: { median: [...steady.map((s) => s.busyPct)].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? null, scriptMedian: [...steady.map((s) => s.scriptPct)].sort((a, b) => a - b)[Math.floor(steady.length / 2)] ?? null },
    loadAvg: loadavg().map((l) => +l.toFixed(1)),
    heapAfterGcMB: { first: gc[0] ?? null, last: gc.at(-1) ?? null, max: gc.length ? Math.max(...gc) : null },
    alarms: { injected: alarms.injected, seen: alarms.seen, missed: alarms.missed, medianMs: lat[Math.floor(lat.length / 2)] ?? null, maxMs: lat.at(-1) ?? null, missedAt: alarms.missedAt },
  };
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `wall-soak-${n}-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '')}.json`);
  writeFileSync(file, JSON.stringify({ summary, samples }, null, 1));
  log(`summary ${JSON.stringify(summary)}`);
  log(`written ${file}`);
} finally {
  if (!stopping) await stop();
}
