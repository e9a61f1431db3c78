import type { CameraHealth, SensorKind } from '../../../server/src/contracts/telemetry.js';
import { isWithinSchedule } from '../../../server/src/contracts/schedule.js';
import type { DepotConfig, RulesConfig, ZoneConfig } from '../../../config/schema.js';

/**
 * Pure value models of a healthy depot. Every value is a function of (seed, device, time) plus a
 * little per-reading jitter drawn from an injected seeded PRNG, so the same seed and clock replay
 * the same telemetry. Slow behaviour (daily cycle, drift, door rounds, faults) comes from hashing
 * time slots rather than from stored state: two ticks inside one slot agree without remembering.
 */

/** Returns numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG; plenty for telemetry noise and reproducible in tests. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: turns ids into seeds so each device gets its own stream of noise. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A deterministic number in [0, 1) for a key; the same key always gives the same number. */
export function unitHash(seed: number, ...parts: readonly (string | number)[]): number {
  return mulberry32(hashString(`${seed}|${parts.join('|')}`))();
}

/** Smooth noise in [-1, 1]: values at knots every `periodMs`, eased between, so readings drift instead of jumping. */
export function smoothNoise(seed: number, key: string, tMs: number, periodMs: number): number {
  const k = Math.floor(tMs / periodMs);
  const f = tMs / periodMs - k;
  const a = unitHash(seed, key, k) * 2 - 1;
  const b = unitHash(seed, key, k + 1) * 2 - 1;
  return a + (b - a) * f * f * (3 - 2 * f);
}

/** Local hour of day as a fraction (14.5 = 14:30). */
export function localHour(tMs: number, utcOffsetMin: number): number {
  const minutes = ((tMs / 60_000 + utcOffsetMin) % 1440 + 1440) % 1440;
  return minutes / 60;
}

/** The normal band a healthy reading must stay inside: the tightest default rule, overridden by the zone's limits. */
export interface Band { low?: number; high?: number; margin: number }

export function normalBand(rules: RulesConfig, zone: ZoneConfig, kind: SensorKind): Band {
  const band: Band = { margin: 0 };
  for (const r of rules.thresholds) {
    if (r.kind !== kind || (r.zoneTypes && !r.zoneTypes.includes(zone.type))) continue;
    if (r.high !== undefined) band.high = Math.min(band.high ?? Infinity, r.high);
    if (r.low !== undefined) band.low = Math.max(band.low ?? -Infinity, r.low);
    band.margin = Math.max(band.margin, r.deadband);
  }
  const own = zone.limits?.[kind];
  if (own?.high !== undefined) band.high = own.high;
  if (own?.low !== undefined) band.low = own.low;
  // Stay a deadband plus one unit inside: a healthy depot must never flicker across a limit.
  band.margin += 1;
  return band;
}

/** Everything a sensor model needs to know; built once per sensor by the agent. */
export interface SensorContext {
  seed: number;
  depotId: string;
  depotType: DepotConfig['type'];
  utcOffsetMin: number;
  zone: ZoneConfig;
  sensorId: string;
  kind: SensorKind;
  band: Band;
}

/** An analog signal: base + per-zone offset + daily cosine (peak 14:00 local) + smooth noise + jitter. */
interface Profile {
  base: number;
  /** daily swing; negative for quantities that fall as the day warms (humidity) */
  amp: number;
  /** each zone gets a fixed offset within ±spread, so depots do not look cloned */
  spread: number;
  noise: number;
  jitter: number;
  min: number;
  max: number;
  decimals: number;
}

type ZoneType = ZoneConfig['type'];
const INDOOR: Profile = { base: 27, amp: 3, spread: 1, noise: 0.5, jitter: 0.1, min: -40, max: 80, decimals: 1 };
const TEMPERATURE: Partial<Record<ZoneType, Profile>> = {
  // Ammunition stores are shaded, thick-walled and ventilated: cooler and flatter than the rest.
  ammunition_store: { ...INDOOR, base: 24, amp: 2.5 },
  equipment_store: { ...INDOOR, base: 26 },
  fuel_store: { ...INDOOR, base: 28, amp: 4 },
  power_room: { ...INDOOR, base: 29 },
  perimeter: { ...INDOOR, amp: 5 },
  gate: { ...INDOOR, amp: 5 },
};
const HUMID: Profile = { base: 72, amp: -8, spread: 2, noise: 1, jitter: 0.2, min: 5, max: 98, decimals: 1 };
const HUMIDITY: Partial<Record<ZoneType, Profile>> = {
  ammunition_store: { ...HUMID, base: 64, amp: -5 },
  equipment_store: { ...HUMID, base: 67, amp: -6 },
};
const MAINS: Profile = { base: 225, amp: -1, spread: 1, noise: 2.5, jitter: 0.5, min: 0, max: 260, decimals: 1 };
const UPS_BATTERY: Profile = { base: 98.8, amp: 0, spread: 0.3, noise: 0.5, jitter: 0.2, min: 0, max: 100, decimals: 1 };
const GAS_FUEL: Profile = { base: 1.5, amp: 0.3, spread: 0.3, noise: 0.8, jitter: 0.1, min: 0, max: 100, decimals: 2 };
const GAS_OTHER: Profile = { ...GAS_FUEL, base: 0.2, amp: 0 };

/** Shifts the base so the whole swing fits inside the band, keeping the daily shape. */
function fitToBand(p: Profile, band: Band): Profile {
  const swing = p.spread + Math.abs(p.amp) + p.noise + p.jitter;
  let base = p.base;
  if (band.high !== undefined) base = Math.min(base, band.high - band.margin - swing);
  if (band.low !== undefined) base = Math.max(base, band.low + band.margin + swing);
  return base === p.base ? p : { ...p, base };
}

const NOISE_PERIOD_MS = 20 * 60_000;

function analog(p: Profile, ctx: SensorContext, tMs: number, rng: Rng, noiseSign = 1): number {
  const fitted = fitToBand(p, ctx.band);
  const zoneKey = `${ctx.depotId}/${ctx.zone.id}`;
  const offset = (unitHash(ctx.seed, zoneKey, ctx.kind, 'offset') * 2 - 1) * fitted.spread;
  const daily = fitted.amp * Math.cos((2 * Math.PI * (localHour(tMs, ctx.utcOffsetMin) - 14)) / 24);
  // Noise keyed by zone, not sensor: humidity then mirrors the zone's temperature wobble.
  const noise = noiseSign * fitted.noise * smoothNoise(ctx.seed, `${zoneKey}/${ctx.kind === 'humidity' ? 'temperature' : ctx.kind}`, tMs, NOISE_PERIOD_MS);
  const jitter = (rng() * 2 - 1) * fitted.jitter;
  const v = Math.min(fitted.max, Math.max(fitted.min, fitted.base + offset + daily + noise + jitter));
  const f = 10 ** fitted.decimals;
  return Math.round(v * f) / f;
}

/** Door rounds and patrols are planned in slots; a slot either has an event at its start or not. */
const SLOT_MS = 15 * 60_000;
/** Doors close and guards leave this long before a schedule ends, so the alarm engine never sees a straggler. */
const SCHEDULE_MARGIN_MS = 5 * 60_000;

function allowedNow(zone: ZoneConfig, utcOffsetMin: number, tMs: number): boolean {
  const s = zone.doorSchedule;
  return isWithinSchedule(s, tMs - SCHEDULE_MARGIN_MS, utcOffsetMin)
    && isWithinSchedule(s, tMs, utcOffsetMin)
    && isWithinSchedule(s, tMs + SCHEDULE_MARGIN_MS, utcOffsetMin);
}

/** True when a slot-based event (door round, patrol) is under way at tMs. */
function slotEvent(seed: number, key: string, tMs: number, probability: number, minMin: number, maxMin: number): boolean {
  const slot = Math.floor(tMs / SLOT_MS);
  if (unitHash(seed, key, slot) >= probability) return false;
  const lengthMs = (minMin + (maxMin - minMin) * unitHash(seed, key, slot, 'len')) * 60_000;
  return tMs - slot * SLOT_MS < lengthMs;
}

/** A zone's doors: opened for guard rounds inside the schedule, always shut outside it. */
export function zoneDoorOpen(ctx: Pick<SensorContext, 'seed' | 'depotId' | 'zone' | 'utcOffsetMin'>, tMs: number): boolean {
  const scheduled = ctx.zone.doorSchedule !== undefined && ctx.zone.doorSchedule.length > 0;
  const probability = ctx.zone.type === 'gate' ? 0.5 : scheduled ? 0.3 : 0.1;
  return allowedNow(ctx.zone, ctx.utcOffsetMin, tMs)
    && slotEvent(ctx.seed, `${ctx.depotId}/${ctx.zone.id}/door`, tMs, probability, 4, 12);
}

/** Motion: someone is in the zone while its door is open, or a patrol passes (inside the schedule only, where there is one). */
export function zoneMotion(ctx: Pick<SensorContext, 'seed' | 'depotId' | 'zone' | 'utcOffsetMin'>, tMs: number): boolean {
  if (zoneDoorOpen(ctx, tMs)) return true;
  return allowedNow(ctx.zone, ctx.utcOffsetMin, tMs)
    && slotEvent(ctx.seed, `${ctx.depotId}/${ctx.zone.id}/patrol`, tMs, 0.2, 1, 4);
}

/** The healthy value of one sensor at tMs. */
export function sensorValue(ctx: SensorContext, tMs: number, rng: Rng): number {
  switch (ctx.kind) {
    case 'temperature': return analog(TEMPERATURE[ctx.zone.type] ?? INDOOR, ctx, tMs, rng);
    case 'humidity': return analog(HUMIDITY[ctx.zone.type] ?? HUMID, ctx, tMs, rng, -1);
    case 'mains': return analog(MAINS, ctx, tMs, rng);
    case 'ups_battery': return analog(UPS_BATTERY, ctx, tMs, rng);
    case 'gas': return analog(ctx.depotType === 'fuel' ? GAS_FUEL : GAS_OTHER, ctx, tMs, rng);
    case 'door': return zoneDoorOpen(ctx, tMs) ? 1 : 0;
    case 'motion': return zoneMotion(ctx, tMs) ? 1 : 0;
    case 'smoke':
    case 'water':
    case 'fence':
    case 'ups_on_battery':
      return 0;
  }
}

export interface CameraContext { seed: number; depotId: string; cameraId: string }

const FAULT_SLOT_MS = 15 * 60_000;
/** Chance per camera per 15-minute slot: with ~120 demo cameras, a fault or two an hour across the site. */
const FAULT_PROBABILITY = 0.006;
const DAY_MS = 86_400_000;

/**
 * A healthy camera as its NVR reports it. With `faults`, a rare slot brings a short outage
 * (2–4 min offline) or a packet-loss burst; without it the camera is always healthy.
 */
export function cameraHealth(ctx: CameraContext, tMs: number, rng: Rng, faults: boolean): CameraHealth {
  const key = `${ctx.depotId}/${ctx.cameraId}`;
  // NVR storage fills about 1 %/day between 80 % and 20 % free, then old footage is pruned.
  const start = unitHash(ctx.seed, key, 'storage') * 60;
  const storageFreePct = Math.round((20 + (((start - tMs / DAY_MS) % 60) + 60) % 60) * 10) / 10;
  const health: CameraHealth = {
    online: true,
    fps: Math.round((25 - rng() * 0.6) * 10) / 10,
    bitrateKbps: Math.round(4096 + 250 * smoothNoise(ctx.seed, `${key}/bitrate`, tMs, 5 * 60_000) + (rng() * 2 - 1) * 60),
    packetLossPct: Math.round(rng() * 0.4 * 100) / 100,
    recording: true,
    storageFreePct,
    tamper: false,
    videoLoss: false,
  };
  if (!faults) return health;
  const slot = Math.floor(tMs / FAULT_SLOT_MS);
  const roll = unitHash(ctx.seed, key, 'fault', slot);
  if (roll >= FAULT_PROBABILITY) return health;
  const intoSlot = tMs - slot * FAULT_SLOT_MS;
  if (roll < FAULT_PROBABILITY / 2) {
    return intoSlot < (2 + 2 * unitHash(ctx.seed, key, 'outage', slot)) * 60_000
      ? { ...health, online: false, fps: 0, bitrateKbps: 0, recording: false }
      : health;
  }
  return intoSlot < 3 * 60_000
    ? { ...health, packetLossPct: Math.round((8 + rng() * 12) * 100) / 100, fps: Math.round((18 + rng() * 5) * 10) / 10 }
    : health;
}
