import { describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../../config/loader.js';
import type { DepotConfig, SiteConfig, ZoneConfig } from '../../config/schema.js';
import { isWithinSchedule } from '../../server/src/contracts/schedule.js';
import {
  cameraHealth, localHour, mulberry32, normalBand, sensorValue, type SensorContext,
} from '../../collectors/src/simulator/models.js';
import {
  addScenario, linkCut, overrideCamera, overrideSensor, resolveScenario, scenarioCommandSchema, ScenarioError,
} from '../../collectors/src/simulator/scenarios.js';

const site: SiteConfig = loadSiteConfig('config');
const MIN = 60_000;
const HOUR = 60 * MIN;
/** local midnight (UTC+7) of an arbitrary day */
const DAY0 = Date.UTC(2025, 5, 10, 0, 0) - 7 * HOUR;

function depot(id: string): DepotConfig {
  const d = site.depots.find((x) => x.id === id);
  if (!d) throw new Error(`no depot ${id}`);
  return d;
}

function zoneOf(d: DepotConfig, zoneId: string): ZoneConfig {
  const z = d.zones.find((x) => x.id === zoneId);
  if (!z) throw new Error(`no zone ${zoneId}`);
  return z;
}

function ctxFor(d: DepotConfig, sensorId: string, seed = 1): SensorContext {
  const s = d.sensors.find((x) => x.id === sensorId);
  if (!s) throw new Error(`no sensor ${sensorId}`);
  const zone = zoneOf(d, s.zone);
  return { seed, depotId: d.id, depotType: d.type, utcOffsetMin: d.utcOffsetMin, zone, sensorId: s.id, kind: s.kind, band: normalBand(site.rules, zone, s.kind) };
}

function series(ctx: SensorContext, from: number, to: number, stepMs: number, seed = 7): number[] {
  const rng = mulberry32(seed);
  const out: number[] = [];
  for (let t = from; t < to; t += stepMs) out.push(sensorValue(ctx, t, rng));
  return out;
}

describe('seeded PRNG', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = mulberry32(42); const b = mulberry32(42); const c = mulberry32(43);
    const seqA = Array.from({ length: 20 }, a);
    expect(Array.from({ length: 20 }, b)).toEqual(seqA);
    expect(Array.from({ length: 20 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('makes the models deterministic: same seed and clock, same telemetry', () => {
    const k101 = depot('K101');
    for (const id of ['A-T1', 'A-H1', 'A-D1', 'A-M1', 'E-V1', 'E-UPS1']) {
      expect(series(ctxFor(k101, id), DAY0, DAY0 + 6 * HOUR, 7 * MIN)).toEqual(series(ctxFor(k101, id), DAY0, DAY0 + 6 * HOUR, 7 * MIN));
    }
    expect(series(ctxFor(k101, 'A-T1', 1), DAY0, DAY0 + 6 * HOUR, 7 * MIN)).not.toEqual(series(ctxFor(k101, 'A-T1', 2), DAY0, DAY0 + 6 * HOUR, 7 * MIN));
    const cam = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 50 }, (_, i) => cameraHealth({ seed, depotId: 'K101', cameraId: 'CAM01' }, DAY0 + i * 10 * MIN, rng, true));
    };
    expect(cam(5)).toEqual(cam(5));
  });
});

describe('daily cycle', () => {
  /** mean per local hour over a week, so the smooth noise averages out */
  function hourlyMeans(ctx: SensorContext): number[] {
    const sums = new Array<number>(24).fill(0); const counts = new Array<number>(24).fill(0);
    const rng = mulberry32(3);
    for (let t = DAY0; t < DAY0 + 7 * 24 * HOUR; t += 5 * MIN) {
      const h = Math.floor(localHour(t, ctx.utcOffsetMin));
      sums[h] = (sums[h] ?? 0) + sensorValue(ctx, t, rng);
      counts[h] = (counts[h] ?? 0) + 1;
    }
    return sums.map((s, i) => s / (counts[i] ?? 1));
  }
  const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
  const argmin = (xs: number[]) => xs.indexOf(Math.min(...xs));

  it('peaks temperature in the early afternoon and bottoms humidity at the same time', () => {
    for (const [d, t, h] of [['K101', 'A-T1', 'A-H1'], ['K102', 'T1-T1', 'T1-H1'], ['K103', 'B-T1', 'B-H1']] as const) {
      const temp = hourlyMeans(ctxFor(depot(d), t));
      const hum = hourlyMeans(ctxFor(depot(d), h));
      expect(argmax(temp)).toBeGreaterThanOrEqual(12);
      expect(argmax(temp)).toBeLessThanOrEqual(16);
      expect(argmin(hum)).toBeGreaterThanOrEqual(12);
      expect(argmin(hum)).toBeLessThanOrEqual(16);
      expect(temp[14]! - temp[2]!).toBeGreaterThan(3); // a visible daily swing, not flat noise
    }
  });

  it('moves humidity against temperature reading by reading', () => {
    const k101 = depot('K101');
    const temp = series(ctxFor(k101, 'A-T1'), DAY0, DAY0 + 3 * 24 * HOUR, 10 * MIN);
    const hum = series(ctxFor(k101, 'A-H1'), DAY0, DAY0 + 3 * 24 * HOUR, 10 * MIN);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const mt = mean(temp); const mh = mean(hum);
    let cov = 0; let vt = 0; let vh = 0;
    temp.forEach((x, i) => { const y = hum[i]!; cov += (x - mt) * (y - mh); vt += (x - mt) ** 2; vh += (y - mh) ** 2; });
    expect(cov / Math.sqrt(vt * vh)).toBeLessThan(-0.8);
  });
});

describe('a healthy simulated depot is ready', () => {
  // The oracle is the rule set itself plus the alarm engine's schedule function, not the models' constants.
  it.each([1, 42])('keeps every demo sensor inside the default rules for 24 h (seed %i)', (seed) => {
    const violations: string[] = [];
    for (const d of site.depots) {
      for (const s of d.sensors) {
        const ctx = ctxFor(d, s.id, seed);
        const zone = ctx.zone;
        const rng = mulberry32(seed);
        const thresholds = site.rules.thresholds.filter((r) => r.kind === s.kind && (!r.zoneTypes || r.zoneTypes.includes(zone.type)));
        const states = site.rules.states.filter((r) => r.kind === s.kind && (!r.zoneTypes || r.zoneTypes.includes(zone.type)));
        for (let t = DAY0; t < DAY0 + 24 * HOUR; t += MIN) {
          const v = sensorValue(ctx, t, rng);
          const where = `${d.id}/${s.id} at ${localHour(t, d.utcOffsetMin).toFixed(2)}h = ${v}`;
          if (!Number.isFinite(v)) violations.push(`${where}: not finite`);
          for (const r of thresholds) {
            const high = zone.limits?.[s.kind]?.high ?? r.high;
            const low = zone.limits?.[s.kind]?.low ?? r.low;
            if (high !== undefined && v > high - r.deadband) violations.push(`${where} above ${r.id}`);
            if (low !== undefined && v < low + r.deadband) violations.push(`${where} below ${r.id}`);
          }
          for (const r of states) {
            if (v !== r.active) continue;
            if (!r.outsideSchedule || !isWithinSchedule(zone.doorSchedule, t, d.utcOffsetMin)) violations.push(`${where} triggers ${r.id}`);
          }
        }
      }
      for (const c of d.cameras) {
        const rng = mulberry32(seed);
        for (let t = DAY0; t < DAY0 + 24 * HOUR; t += 5 * MIN) {
          const h = cameraHealth({ seed, depotId: d.id, cameraId: c.id }, t, rng, false);
          if (!h.online || !h.recording || h.tamper || h.videoLoss) violations.push(`${d.id}/${c.id} unhealthy at ${t}`);
        }
      }
    }
    expect(violations.slice(0, 10)).toEqual([]);
  });

  it('keeps mains at 220–230 V, UPS near full and fuel-depot gas at 0–3 %LEL', () => {
    const check = (d: string, id: string, lo: number, hi: number) => {
      const xs = series(ctxFor(depot(d), id), DAY0, DAY0 + 24 * HOUR, 3 * MIN);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...xs)).toBeLessThanOrEqual(hi);
    };
    check('K101', 'E-V1', 220, 230);
    check('K101', 'E-UPS1', 96, 100);
    check('K102', 'T1-GAS1', 0, 3);
  });
});

describe('doors and motion follow the schedule', () => {
  const k101 = depot('K101');
  const door = ctxFor(k101, 'A-D1'); // schedule 07:30-11:30, 13:30-17:00
  const motion = ctxFor(k101, 'A-M1');
  const at = (h: number, m = 0) => DAY0 + h * HOUR + m * MIN;

  it('keeps store doors closed and stores still outside the schedule', () => {
    for (let day = 0; day < 7; day++) {
      const rng = mulberry32(day);
      for (const [from, to] of [[at(0), at(7, 30)], [at(11, 30), at(13, 30)], [at(17), at(24)]] as const) {
        for (let t = from + day * 24 * HOUR; t < to + day * 24 * HOUR; t += MIN) {
          expect(sensorValue(door, t, rng)).toBe(0);
          expect(sensorValue(motion, t, rng)).toBe(0);
        }
      }
    }
  });

  it('opens doors for rounds some of the time inside the schedule, with motion while open', () => {
    const rng = mulberry32(1);
    let open = 0; let total = 0;
    for (let t = at(7, 30); t < at(7, 30) + 7 * 24 * HOUR; t += MIN) {
      if (!isWithinSchedule(door.zone.doorSchedule, t, k101.utcOffsetMin)) continue;
      total++;
      if (sensorValue(door, t, rng) === 1) {
        open++;
        expect(sensorValue(motion, t, rng)).toBe(1);
      }
    }
    expect(open / total).toBeGreaterThan(0.03);
    expect(open / total).toBeLessThan(0.5);
  });
});

describe('camera faults', () => {
  it('happens rarely with faults on and never with faults off', () => {
    let faultsOn = 0; let faultsOff = 0; let samples = 0;
    for (let cam = 0; cam < 40; cam++) {
      const ctx = { seed: 1, depotId: 'K101', cameraId: `CAM${cam}` };
      const rng = mulberry32(cam);
      for (let t = DAY0; t < DAY0 + 3 * 24 * HOUR; t += MIN) {
        samples++;
        const on = cameraHealth(ctx, t, rng, true);
        if (!on.online || (on.packetLossPct ?? 0) > 5) faultsOn++;
        const off = cameraHealth(ctx, t, rng, false);
        if (!off.online || (off.packetLossPct ?? 0) > 5) faultsOff++;
      }
    }
    expect(faultsOff).toBe(0);
    expect(faultsOn).toBeGreaterThan(0);
    expect(faultsOn / samples).toBeLessThan(0.01);
  });
});

describe('scenarios', () => {
  const k101 = depot('K101');
  const k102 = depot('K102');
  const t0 = DAY0 + 3 * HOUR; // 03:00 local: outside every store schedule

  it('fire sets smoke and ramps the zone temperature, until cleared', () => {
    const fire = resolveScenario(k101, { scenario: 'fire', depot: 'K101', zone: 'B' }, t0);
    expect(fire.zone).toBe('B');
    expect(overrideSensor([fire], 'B-SM1', 0, t0)).toBe(1);
    expect(overrideSensor([fire], 'B-T1', 24, t0 + 5 * MIN)).toBe(39);
    expect(overrideSensor([fire], 'B-T1', 24, t0 + 600 * MIN)).toBe(90);
    expect(overrideSensor([fire], 'A-SM1', 0, t0)).toBe(0); // other zones untouched
    expect(overrideSensor([], 'B-SM1', 0, t0)).toBe(0); // cleared: back to the model
  });

  it('defaults to the first store and refuses what the depot does not have', () => {
    expect(resolveScenario(k101, { scenario: 'fire', depot: 'K101' }, t0).zone).toBe('A');
    expect(() => resolveScenario(k101, { scenario: 'gas_leak', depot: 'K101' }, t0)).toThrow(ScenarioError);
    expect(() => resolveScenario(k101, { scenario: 'fire', depot: 'K101', zone: 'Z' }, t0)).toThrow(/no zone "Z"/);
    expect(() => resolveScenario(k101, { scenario: 'camera_down', depot: 'K101', device: 'CAM99' }, t0)).toThrow(/no camera "CAM99"/);
    const gas = resolveScenario(k102, { scenario: 'gas_leak', depot: 'K102' }, t0);
    expect(overrideSensor([gas], 'T1-GAS1', 1.2, t0)).toBe(25);
  });

  it('intrusion cuts a fence and opens a store with motion', () => {
    const s = resolveScenario(k101, { scenario: 'intrusion', depot: 'K101' }, t0);
    for (const id of ['P-F1', 'A-D1', 'A-M1', 'P-M1']) expect(overrideSensor([s], id, 0, t0)).toBe(1);
    expect(overrideSensor([s], 'P-F2', 0, t0)).toBe(0);
  });

  it('flood, humidity_high and camera_down override their devices', () => {
    const flood = resolveScenario(k101, { scenario: 'flood', depot: 'K101' }, t0);
    expect(overrideSensor([flood], 'A-WT1', 0, t0)).toBe(1);
    const humid = resolveScenario(k101, { scenario: 'humidity_high', depot: 'K101', zone: 'B' }, t0);
    expect(overrideSensor([humid], 'B-H1', 64, t0)).toBe(85);
    const cam = resolveScenario(k101, { scenario: 'camera_down', depot: 'K101', device: 'CAM04' }, t0);
    const healthy = cameraHealth({ seed: 1, depotId: 'K101', cameraId: 'CAM04' }, t0, mulberry32(1), false);
    expect(overrideCamera([cam], 'CAM04', healthy)).toMatchObject({ online: false, recording: false });
    expect(overrideCamera([cam], 'CAM03', healthy).online).toBe(true);
    expect(overrideCamera([], 'CAM04', healthy)).toEqual(healthy);
  });

  it('link_lost marks the link cut; the same scenario on the same zone replaces, not stacks', () => {
    const lost = resolveScenario(k101, { scenario: 'link_lost', depot: 'K101' }, t0);
    expect(linkCut([lost])).toBe(true);
    expect(linkCut([])).toBe(false);
    const a = resolveScenario(k101, { scenario: 'fire', depot: 'K101', zone: 'A' }, t0);
    const b = resolveScenario(k101, { scenario: 'fire', depot: 'K101', zone: 'A' }, t0 + MIN);
    const c = resolveScenario(k101, { scenario: 'fire', depot: 'K101', zone: 'B' }, t0);
    expect(addScenario(addScenario(addScenario([], a), c), b)).toEqual([c, b]);
  });

  it('validates control messages strictly', () => {
    expect(scenarioCommandSchema.safeParse({ scenario: 'fire', depot: 'K101', zone: 'A' }).success).toBe(true);
    expect(scenarioCommandSchema.safeParse({ scenario: 'meteor', depot: 'K101' }).success).toBe(false);
    expect(scenarioCommandSchema.safeParse({ scenario: 'fire', depot: 'K1/01' }).success).toBe(false);
    expect(scenarioCommandSchema.safeParse({ scenario: 'fire', depot: 'K101', zoen: 'A' }).success).toBe(false);
  });
});
