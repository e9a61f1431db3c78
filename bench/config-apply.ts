import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSiteConfig } from '../config/loader.js';
import type { SiteConfig } from '../config/schema.js';
import type { DepotDetail } from '../server/src/contracts/api.js';
import type { RunningConfigView } from '../server/src/contracts/config.js';
import { smallSite } from '../tests/helpers/site.js';
import { startTestSystem } from '../tests/helpers/system.js';
import { DEPOTS, SENSORS, depotOf, sensorOf, writeBenchSite } from './site.js';

/**
 * `npx tsx bench/config-apply.ts [--runs N]`: how long an engineer's change takes to take effect (issue 8).
 * The whole centre runs in this process (embedded broker, SQLite, live state, alarms). Every temperature
 * sensor reads 29 °C; each run PUTs a configuration whose equipment-store temperature limit alternates between
 * 28 °C (every such sensor goes into alarm) and 35 °C (they return to normal), and measures the PUT's answer and
 * the time until the watched sensor shows in (or out of) alarm on GET /api/depots/{id}, on the two-depot test site and on the
 * benchmark's 200 depots × 50 sensors (2,500 temperature sensors).
 */
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function measure(name: string, site: SiteConfig, watched: { depot: string; sensor: string }, temperatures: { depot: string; sensor: string }[]) {
  const t = await startTestSystem({ site });
  try {
    const admin = await t.login();
    for (const s of temperatures) t.mqtt.publish(`depots/${s.depot}/sensors/${s.sensor}`, JSON.stringify({ kind: 'temperature', value: 29, unit: 'C' }), { qos: 0 });
    await sleep(2000);
    const putMs: number[] = [];
    const effectMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const limit = i % 2 === 0 ? 28 : 35;
      const running = (await t.api<RunningConfigView>('/api/config', admin)).body;
      const next = structuredClone(running.config) as Mutable<SiteConfig>;
      next.rules.thresholds = [...next.rules.thresholds.filter((r) => r.id !== 'bench-equip-temp'),
        { id: 'bench-equip-temp', kind: 'temperature', zoneTypes: ['equipment_store', 'ammunition_store'], high: limit, deadband: 0, onDelayS: 0, offDelayS: 0, severity: 'minor' }];
      const t0 = performance.now();
      const r = await t.api('/api/config', admin, { method: 'PUT', body: JSON.stringify({ config: next, baseVersion: running.n, comment: `limit ${limit} °C` }) });
      putMs.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`PUT ${r.status}: ${JSON.stringify(r.body)}`);
      const want = limit === 28;
      for (;;) {
        const depot = (await t.api<DepotDetail>(`/api/depots/${watched.depot}`, admin)).body;
        const active = depot.sensors.find((x) => x.id === watched.sensor)?.status === 'alarm';
        if (active === want) break;
        if (performance.now() - t0 > 30_000) throw new Error('the change did not take effect within 30 s');
        await sleep(5);
      }
      effectMs.push(performance.now() - t0);
    }
    console.log(`${name}: PUT answered in median ${median(putMs).toFixed(0)} ms (max ${Math.max(...putMs).toFixed(0)}); the watched alarm followed in median ${median(effectMs).toFixed(0)} ms (max ${Math.max(...effectMs).toFixed(0)}) over ${runs} changes`);
  } finally {
    await t.stop();
  }
}

const small = smallSite();
await measure('two depots (test site)', small, { depot: 'D1', sensor: 'T1' }, [{ depot: 'D1', sensor: 'T1' }, { depot: 'D2', sensor: 'T1' }]);

const dir = mkdtempSync(join(tmpdir(), 'depotwatch-config-apply-'));
try {
  writeBenchSite(dir, { calm: true });
  const big = loadSiteConfig(dir);
  const temps: { depot: string; sensor: string }[] = [];
  for (const d of big.depots) for (const s of d.sensors) if (s.kind === 'temperature' && d.id !== 'PROBE') temps.push({ depot: d.id, sensor: s.id });
  const last = temps.at(-1) ?? { depot: depotOf((DEPOTS - 1) * SENSORS), sensor: sensorOf(0) };
  await measure(`${DEPOTS} depots × ${SENSORS} sensors (${temps.length} temperature sensors)`, big, last, temps);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
