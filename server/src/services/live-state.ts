import type {
  CameraView, CollectorView, DeliveryStatus, DepotDetail, DepotSummary, LiveBatch, RegionSummary, SensorView, Snapshot,
} from '../contracts/api.js';
import type { AcceptedMessage } from '../contracts/telemetry.js';
import {
  collectorCondition, evaluateCamera, evaluateSensor, type CameraResult, type Condition, type EvalContext, type SensorResult,
} from '../domain/conditions.js';
import { createDeliveryLag, type DeliveryLag } from '../domain/delivery-lag.js';
import { emptyDepotLive, nextSensorLive, type DepotLive, type SensorLive } from '../domain/live-types.js';
import { regionSummary } from '../domain/readiness.js';
import { NOTHING_SIDELINED, readinessWithSideline, type DepotSideline } from '../domain/sideline.js';
import type { SensorEntry, SiteIndex } from '../domain/site-index.js';
import type { DepotConfig } from '../../../config/schema.js';
import type { Clock } from '../ports/clock.js';

/** how often every device is re-evaluated even without news: silence and schedules depend on time */
const FULL_EVERY_MS = 1000;
/** lastSeen alone changes a tile only this often, so a busy depot does not resend its summary every tick */
const LAST_SEEN_STEP_MS = 5000;
/**
 * readings of one sensor replaced before a tick evaluated them, kept for that tick; more than this
 * between two ticks (tens a second) is a flood, and its oldest are let go
 */
const MAX_HELD_PER_SENSOR = 16;

/**
 * One depot's conditions after a tick, and whether each device has been heard since start: an alarm
 * whose device has said nothing yet since a restart is held, not cleared, until the device speaks.
 */
export interface EvaluatedDepot { depot: string; conditions: Condition[]; heard: (device: Condition['device']) => boolean }

interface DepotCache {
  live: DepotLive;
  sensors: Map<string, SensorResult>;
  cameras: Map<string, CameraResult>;
  dirtySensors: Set<string>;
  /**
   * per sensor, readings that a newer one replaced before any tick evaluated them: a detector's trip
   * followed within the tick by its routine "0" must still raise its alarm (the wall soak's missed fire)
   */
  held: Map<string, SensorLive[]>;
  dirtyCameras: Set<string>;
  /** re-evaluate every device (collector changed, first time) */
  dirtyAll: boolean;
  summary?: DepotSummary;
  conditions: Condition[];
  /** the condition keys at the last summary, and when it was made */
  conditionSig: string;
  aggregatedAt: number;
  summaryKey: string;
}

/** whole seconds in steps of 5, and 0 below 5 s: a board is told when the lateness moves a step, not every tick */
const deliveryStep = (lateMs: number): number => (lateMs < 5000 ? 0 : Math.floor(lateMs / 5000) * 5);

/**
 * The latest value and status of every configured device, and each depot's readiness (SPEC §6).
 * A message re-evaluates only its own device at the next tick; every second all devices are
 * re-evaluated so that silence turns into "not reporting". `tick()` returns what changed.
 */
export function createLiveState(deps: {
  index: () => SiteIndex; clock: Clock;
  /** the depot's devices in maintenance or out of service (the alarm service knows): they do not degrade it */
  sidelined?: (depot: string) => DepotSideline;
}) {
  const depots = new Map<string, DepotCache>();
  let regions: RegionSummary[] = [];
  const dirty = new Set<string>();
  let lastFull = -Infinity;
  const startedAt = deps.clock.now();
  /** how late messages arrive: a centre that fell behind does not call the devices it hears late silent */
  const lag: DeliveryLag = createDeliveryLag();
  /** the delivery lateness boards were last told (s, steps of 5) */
  let toldLateS = 0;
  const deliveryNow = (): DeliveryStatus => ({ lateS: deliveryStep(lag.lateness(deps.clock.now())) });

  const cacheOf = (depotId: string): DepotCache => {
    let c = depots.get(depotId);
    if (!c) depots.set(depotId, (c = { live: emptyDepotLive(), sensors: new Map(), cameras: new Map(), dirtySensors: new Set(), held: new Map(), dirtyCameras: new Set(), dirtyAll: true, conditions: [], conditionSig: '', aggregatedAt: 0, summaryKey: '' }));
    return c;
  };

  function apply(msg: AcceptedMessage, receivedAt: number): void {
    const c = cacheOf(msg.depotId);
    const d = c.live;
    d.lastSeen = Math.max(d.lastSeen ?? 0, receivedAt);
    switch (msg.type) {
      case 'sensor': {
        const prev = d.sensors.get(msg.sensorId);
        // replaced (not a late reading) before the tick evaluated it: the tick evaluates it too
        if (prev && msg.ts >= prev.ts && c.dirtySensors.has(msg.sensorId)) {
          const held = c.held.get(msg.sensorId);
          if (!held) c.held.set(msg.sensorId, [prev]);
          else if (held.push(prev) > MAX_HELD_PER_SENSOR) held.shift();
        }
        d.sensors.set(msg.sensorId, nextSensorLive(prev, msg.value, msg.ts, receivedAt, lag.note(`${msg.depotId}/s/${msg.sensorId}`, msg.ts, receivedAt)));
        c.dirtySensors.add(msg.sensorId);
        break;
      }
      case 'camera': {
        const prev = d.cameras.get(msg.cameraId);
        const lateBy = lag.note(`${msg.depotId}/c/${msg.cameraId}`, msg.ts, receivedAt);
        if (!prev || msg.ts >= prev.ts) d.cameras.set(msg.cameraId, { health: msg.health, ts: msg.ts, receivedAt, ...(lateBy > 0 ? { lateBy } : {}) });
        else prev.receivedAt = receivedAt;
        c.dirtyCameras.add(msg.cameraId);
        break;
      }
      case 'collector': {
        const prev = d.collector;
        lag.note(`${msg.depotId}/collector`, msg.ts, receivedAt);
        if (prev && msg.ts < prev.ts) break;
        const since = prev && prev.state === msg.state ? prev.since : receivedAt;
        d.collector = { state: msg.state, ts: msg.ts, receivedAt, since, spooled: msg.spooled, ...(msg.version !== undefined ? { version: msg.version } : {}) };
        c.dirtyAll = true; // an offline collector changes how every silent device is reported
        break;
      }
    }
    dirty.add(msg.depotId);
  }

  function noteRejected(depotId: string | undefined): void {
    if (!depotId || !deps.index().depot(depotId)) return;
    const c = cacheOf(depotId);
    c.live.rejected++;
    c.dirtyAll = true; // the tile's collector line counts rejections: summarise again now
    dirty.add(depotId);
  }

  /** re-evaluates what is dirty in one depot; returns the device views that changed */
  function evaluate(depotId: string, now: number, full: boolean): { sensors: SensorView[]; cameras: CameraView[]; summarised: boolean } | undefined {
    const index = deps.index();
    const depot = index.depot(depotId);
    if (!depot) return undefined;
    const c = cacheOf(depotId);
    const d = c.live;
    const rules = index.site.rules;
    const all = full || c.dirtyAll;
    const active = new Set(d.activeThresholds);
    const ctx: EvalContext = {
      rules, now, collectorOffline: d.collector?.state === 'offline', wasActive: (k) => active.has(k), startedAt, depotHasData: d.lastSeen !== null || d.collector !== null,
      lateness: lag.lateness(now),
    };
    const changedSensors: SensorView[] = [];
    const changedCameras: CameraView[] = [];
    let statusChanged = !c.summary;
    /** sensors whose held readings raised something: evaluated again next tick on their latest reading alone */
    const again: string[] = [];
    for (const entry of index.sensorsOf(depotId)) {
      const id = entry.sensor.id;
      if (!all && !c.dirtySensors.has(id)) continue;
      const prev = c.sensors.get(id);
      const next = evaluateSensor(entry, d.sensors.get(id), ctx);
      if (withHeld(next, entry, c.held.get(id), ctx)) again.push(id);
      for (const k of prev?.activeThresholds ?? []) active.delete(k);
      for (const k of next.activeThresholds) active.add(k);
      c.sensors.set(id, next);
      if (!prev || sensorChanged(prev.view, next.view)) changedSensors.push(next.view);
      if (prev?.view.status !== next.view.status) statusChanged = true;
    }
    for (const entry of index.camerasOf(depotId)) {
      const id = entry.camera.id;
      if (!all && !c.dirtyCameras.has(id)) continue;
      const prev = c.cameras.get(id);
      const next = evaluateCamera(entry, d.cameras.get(id), ctx);
      c.cameras.set(id, next);
      if (!prev || prev.view.status !== next.view.status || prev.view.ts !== next.view.ts) changedCameras.push(next.view);
      if (prev?.view.status !== next.view.status || prev.view.health?.online !== next.view.health?.online) statusChanged = true;
    }
    d.activeThresholds = active;
    c.dirtySensors.clear();
    c.held.clear();
    for (const id of again) c.dirtySensors.add(id);
    if (again.length) dirty.add(depotId);
    c.dirtyCameras.clear();
    c.dirtyAll = false;

    const collector = collectorCondition(d, rules, now);
    c.conditions = [...c.sensors.values()].flatMap((r) => r.conditions).concat([...c.cameras.values()].flatMap((r) => r.conditions), collector ? [collector] : []);
    // Readiness and its reasons are the costly part (texts, sorting): redo them when a status or the set
    // of conditions changed, else once a second so that values quoted in reasons stay current.
    const sig = c.conditions.map((k) => k.key).join('|');
    if (all || statusChanged || sig !== c.conditionSig || now - c.aggregatedAt >= FULL_EVERY_MS) {
      c.conditionSig = sig;
      c.aggregatedAt = now;
      c.summary = summarise(depot, c);
      return { sensors: changedSensors, cameras: changedCameras, summarised: true };
    }
    return { sensors: changedSensors, cameras: changedCameras, summarised: false };
  }

  function summarise(depot: DepotConfig, c: DepotCache): DepotSummary {
    const d = c.live;
    const rules = deps.index().site.rules;
    const sensors = [...c.sensors.values()];
    const cameras = [...c.cameras.values()];
    const hasData = d.lastSeen !== null || d.collector !== null;
    const { readiness, reasons } = readinessWithSideline(c.conditions, rules, { cameras: cameras.length }, hasData, deps.sidelined?.(depot.id) ?? NOTHING_SIDELINED);
    const collectorView: CollectorView = d.collector
      ? { state: d.collector.state, ts: d.collector.ts, spooled: d.collector.spooled, rejected: d.rejected, ...(d.collector.version ? { version: d.collector.version } : {}) }
      : { state: 'unknown', ts: null, spooled: 0, rejected: d.rejected };
    const summary: DepotSummary = {
      id: depot.id, name: depot.name, region: depot.region, type: depot.type, position: depot.position,
      readiness, reasons, collector: collectorView, lastSeen: d.lastSeen,
      counts: {
        sensors: sensors.length,
        sensorsAlarm: sensors.filter((s) => s.view.status === 'alarm').length,
        sensorsStale: sensors.filter((s) => s.view.status === 'not_reporting').length,
        cameras: cameras.length,
        camerasOnline: cameras.filter((r) => r.view.health?.online === true && r.view.status !== 'not_reporting').length,
      },
    };
    if (depot.nameEn) summary.nameEn = depot.nameEn;
    if (depot.unit) summary.unit = depot.unit;
    return summary;
  }

  /** the full depot, assembled on request (REST, snapshots) from the cached evaluations */
  function detailOf(id: string): DepotDetail | undefined {
    const index = deps.index();
    const depot = index.depot(id);
    if (!depot) return undefined;
    let c = depots.get(id);
    if (!c?.summary) {
      evaluate(id, deps.clock.now(), true);
      c = depots.get(id);
    }
    if (!c?.summary) return undefined;
    const cache = c;
    return {
      ...c.summary,
      zones: depot.zones.map((z) => ({ id: z.id, name: z.name, type: z.type, ...(z.nameEn ? { nameEn: z.nameEn } : {}) })),
      sensors: index.sensorsOf(id).map((e) => cache.sensors.get(e.sensor.id)?.view).filter((v): v is SensorView => !!v),
      cameras: index.camerasOf(id).map((e) => cache.cameras.get(e.camera.id)?.view).filter((v): v is CameraView => !!v),
    };
  }

  /**
   * Re-evaluates and returns what changed since the last tick, ready to send to clients, and the
   * conditions of every depot evaluated, for the alarm engine.
   */
  function tick(): { batch: LiveBatch; evaluated: EvaluatedDepot[] } {
    const now = deps.clock.now();
    const index = deps.index();
    const full = now - lastFull >= FULL_EVERY_MS;
    if (full) lastFull = now;
    const targets = full ? index.site.depots.map((d) => d.id) : [...dirty];
    dirty.clear();
    const batch: LiveBatch = { sensors: [], cameras: [], depots: [], regions: [] };
    const evaluated: EvaluatedDepot[] = [];
    let readinessChanged = false;
    for (const id of targets) {
      const before = depots.get(id)?.summary?.readiness;
      const changed = evaluate(id, now, full);
      const c = depots.get(id);
      if (!changed || !c?.summary) continue;
      const live = c.live;
      evaluated.push({
        depot: id, conditions: c.conditions,
        heard: (device) => (device.type === 'sensor' ? live.sensors.has(device.id) : device.type === 'camera' ? live.cameras.has(device.id) : live.collector !== null),
      });
      for (const s of changed.sensors) batch.sensors.push({ ...s, depot: id });
      for (const v of changed.cameras) batch.cameras.push({ ...v, depot: id });
      if (changed.summarised) {
        const key = summaryKey(c.summary);
        if (key !== c.summaryKey) {
          c.summaryKey = key;
          batch.depots.push(c.summary);
        }
      }
      if (before !== c.summary.readiness) readinessChanged = true;
    }
    const delivery = deliveryNow();
    if (delivery.lateS !== toldLateS) {
      toldLateS = delivery.lateS;
      batch.delivery = delivery;
    }
    if (readinessChanged || regions.length === 0) {
      regions = computeRegions();
      batch.regions = regions;
    }
    return { batch, evaluated };
  }

  function computeRegions(): RegionSummary[] {
    const site = deps.index().site;
    return site.regions.map((r) => regionSummary(r, site.depots.filter((d) => d.region === r.id).map((d) => ({ id: d.id, readiness: depots.get(d.id)?.summary?.readiness ?? 'unknown' }))));
  }

  /**
   * Each region rolled up from the depots `visible` lets the caller see, and only the regions holding
   * one: a guard of K101 must not learn from "Region 1: 1 not ready" how the other depots fare.
   */
  function regionsFor(visible: (id: string) => boolean): RegionSummary[] {
    const site = deps.index().site;
    const out: RegionSummary[] = [];
    for (const r of site.regions) {
      const mine = site.depots.filter((d) => d.region === r.id && visible(d.id));
      if (mine.length > 0) out.push(regionSummary(r, mine.map((d) => ({ id: d.id, readiness: depots.get(d.id)?.summary?.readiness ?? 'unknown' }))));
    }
    return out;
  }

  /**
   * A new configuration version is behind `index()`: forget depots and devices it no longer has (and a
   * device's last reading when its kind changed), then re-evaluate everything at the next tick, so a
   * changed threshold raises or clears at once instead of at the device's next message.
   */
  function reconfigured(): void {
    const index = deps.index();
    for (const [id, c] of depots) {
      if (!index.depot(id)) {
        depots.delete(id);
        continue;
      }
      const active = new Set(c.live.activeThresholds);
      for (const [sid, r] of c.sensors) {
        if (index.sensor(id, sid)?.sensor.kind === r.view.kind) continue;
        c.sensors.delete(sid);
        c.live.sensors.delete(sid);
        c.held.delete(sid);
        for (const k of r.activeThresholds) active.delete(k);
      }
      c.live.activeThresholds = active;
      for (const cid of c.cameras.keys()) if (!index.camera(id, cid)) c.cameras.delete(cid);
      c.dirtyAll = true;
      dirty.add(id);
    }
    regions = [];
    lastFull = -Infinity;
  }

  return {
    apply,
    noteRejected,
    tick,
    /** how late messages arrive now, beyond each device's usual (ms; delivery-lag.ts), for /metrics */
    lateness: (): number => lag.lateness(deps.clock.now()),
    /** readings held for the next tick, over every depot (bounded per sensor; tests, metrics) */
    heldReadings: (): number => [...depots.values()].reduce((n, c) => n + [...c.held.values()].reduce((m, h) => m + h.length, 0), 0),
    reconfigured,
    depot: detailOf,
    depots: (visible: (id: string) => boolean = () => true): DepotSummary[] =>
      deps.index().site.depots.filter((d) => visible(d.id)).map((d) => depots.get(d.id)?.summary ?? detailOf(d.id)).filter((d): d is DepotSummary => !!d).map(toSummary),
    /** region roll-ups over the visible depots only; the unfiltered roll-up is shared by everyone who sees all */
    regions: (visible?: (id: string) => boolean): RegionSummary[] => (visible ? regionsFor(visible) : regions.length ? regions : computeRegions()),
    snapshot(visible: (id: string) => boolean): Pick<Snapshot, 'serverTime' | 'regions' | 'depots' | 'delivery'> {
      const site = deps.index().site;
      return {
        serverTime: deps.clock.now(),
        delivery: deliveryNow(),
        regions: this.regions(visible),
        depots: site.depots.filter((d) => visible(d.id)).map((d) => detailOf(d.id)).filter((d): d is DepotDetail => !!d),
      };
    },
  };
}
export type LiveState = ReturnType<typeof createLiveState>;

function toSummary(d: DepotSummary | DepotDetail): DepotSummary {
  if (!('zones' in d)) return d;
  const { zones: _z, sensors: _s, cameras: _c, ...summary } = d;
  return summary;
}

/**
 * Adds to a sensor's evaluation the conditions its held readings raise (a trip between two ticks);
 * the view keeps the latest value, in alarm while such a condition stands. Whether any was added.
 */
function withHeld(result: SensorResult, entry: SensorEntry, held: readonly SensorLive[] | undefined, ctx: EvalContext): boolean {
  if (!held) return false;
  let added = false;
  for (const reading of held) {
    for (const k of evaluateSensor(entry, reading, ctx).conditions) {
      if (result.conditions.some((x) => x.key === k.key)) continue;
      result.conditions.push(k);
      added = true;
    }
  }
  if (added) result.view.status = 'alarm';
  return added;
}

const sensorChanged = (a: SensorView, b: SensorView) => a.value !== b.value || a.ts !== b.ts || a.status !== b.status;

/** what a tile shows, with lastSeen coarsened so that mere traffic does not count as a change */
function summaryKey(s: DepotSummary): string {
  return JSON.stringify([s.readiness, s.reasons, s.counts, s.collector, s.lastSeen === null ? null : Math.floor(s.lastSeen / LAST_SEEN_STEP_MS)]);
}
