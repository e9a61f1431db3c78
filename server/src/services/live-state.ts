import type {
  CameraView, CollectorView, DepotDetail, DepotSummary, LiveBatch, RegionSummary, SensorView, Snapshot,
} from '../contracts/api.js';
import type { AcceptedMessage } from '../contracts/telemetry.js';
import { evaluateDevices, type Condition } from '../domain/conditions.js';
import { emptyDepotLive, type DepotLive } from '../domain/live-types.js';
import { depotReadiness, regionSummary } from '../domain/readiness.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';

/**
 * The latest value and status of every configured device, and each depot's readiness (SPEC §6).
 * Messages only mark their depot dirty; `tick()` re-evaluates dirty depots (and, every
 * `fullEvery` ticks, all of them, so silence turns into "not reporting") and returns what changed.
 */
const RATE_REF_SPAN_MS = 60_000;

export function createLiveState(deps: { index: () => SiteIndex; clock: Clock; fullEvery?: number }) {
  const live = new Map<string, DepotLive>();
  const details = new Map<string, DepotDetail>();
  let regions: RegionSummary[] = [];
  const dirty = new Set<string>();
  let ticks = 0;

  const liveOf = (depotId: string): DepotLive => {
    let d = live.get(depotId);
    if (!d) live.set(depotId, (d = emptyDepotLive()));
    return d;
  };

  function apply(msg: AcceptedMessage, receivedAt: number): void {
    const d = liveOf(msg.depotId);
    d.lastSeen = Math.max(d.lastSeen ?? 0, receivedAt);
    switch (msg.type) {
      case 'sensor': {
        const prev = d.sensors.get(msg.sensorId);
        // a late message (older ts) must not overwrite a newer reading
        if (!prev || msg.ts >= prev.ts) {
          // the reference for rate-of-change moves on once a minute, so that the rate is taken over a
          // span long enough for sensor jitter not to look like a fire
          const ref = !prev ? undefined : !prev.prev || msg.ts - prev.prev.ts >= RATE_REF_SPAN_MS ? { value: prev.value, ts: prev.ts } : prev.prev;
          d.sensors.set(msg.sensorId, { value: msg.value, ts: msg.ts, receivedAt, ...(ref ? { prev: ref } : {}) });
        }
        else prev.receivedAt = receivedAt;
        break;
      }
      case 'camera': {
        const prev = d.cameras.get(msg.cameraId);
        if (!prev || msg.ts >= prev.ts) d.cameras.set(msg.cameraId, { health: msg.health, ts: msg.ts, receivedAt });
        else prev.receivedAt = receivedAt;
        break;
      }
      case 'collector': {
        const prev = d.collector;
        if (prev && msg.ts < prev.ts) break;
        const since = prev && prev.state === msg.state ? prev.since : receivedAt;
        d.collector = { state: msg.state, ts: msg.ts, receivedAt, since, spooled: msg.spooled, ...(msg.version !== undefined ? { version: msg.version } : {}) };
        break;
      }
    }
    dirty.add(msg.depotId);
  }

  function noteRejected(depotId: string | undefined): void {
    if (!depotId || !deps.index().depot(depotId)) return;
    liveOf(depotId).rejected++;
    dirty.add(depotId);
  }

  function evaluate(depotId: string, now: number): { detail: DepotDetail; conditions: Condition[] } | undefined {
    const index = deps.index();
    const depot = index.depot(depotId);
    if (!depot) return undefined;
    const d = liveOf(depotId);
    const ev = evaluateDevices(index.sensorsOf(depotId), index.camerasOf(depotId), d, index.site.rules, now);
    d.activeThresholds = ev.activeThresholds;
    const hasData = d.lastSeen !== null || d.collector !== null;
    const { readiness, reasons } = depotReadiness(ev.conditions, index.site.rules, { cameras: ev.cameras.length }, hasData);
    const collector: CollectorView = d.collector
      ? { state: d.collector.state, ts: d.collector.ts, spooled: d.collector.spooled, rejected: d.rejected, ...(d.collector.version ? { version: d.collector.version } : {}) }
      : { state: 'unknown', ts: null, spooled: 0, rejected: d.rejected };
    const detail: DepotDetail = {
      id: depot.id, name: depot.name, region: depot.region, type: depot.type, position: depot.position,
      readiness, reasons, collector, lastSeen: d.lastSeen,
      counts: {
        sensors: ev.sensors.length,
        sensorsAlarm: ev.sensors.filter((s) => s.status === 'alarm').length,
        sensorsStale: ev.sensors.filter((s) => s.status === 'not_reporting').length,
        cameras: ev.cameras.length,
        camerasOnline: ev.cameras.filter((c) => c.health?.online === true && c.status !== 'not_reporting').length,
      },
      zones: depot.zones.map((z) => ({ id: z.id, name: z.name, type: z.type, ...(z.nameEn ? { nameEn: z.nameEn } : {}) })),
      sensors: ev.sensors,
      cameras: ev.cameras,
    };
    if (depot.nameEn) detail.nameEn = depot.nameEn;
    return { detail, conditions: ev.conditions };
  }

  /**
   * Re-evaluates and returns what changed since the last tick, ready to send to clients, and the
   * conditions of every depot evaluated, for the alarm engine.
   */
  function tick(): { batch: LiveBatch; evaluated: { depot: string; conditions: Condition[] }[] } {
    const now = deps.clock.now();
    const index = deps.index();
    const full = ticks++ % (deps.fullEvery ?? 4) === 0;
    const targets = full ? index.site.depots.map((d) => d.id) : [...dirty];
    dirty.clear();
    const batch: LiveBatch = { sensors: [], cameras: [], depots: [], regions: [] };
    const evaluated: { depot: string; conditions: Condition[] }[] = [];
    let readinessChanged = false;
    for (const id of targets) {
      const r = evaluate(id, now);
      if (!r) continue;
      const next = r.detail;
      evaluated.push({ depot: id, conditions: r.conditions });
      const prev = details.get(id);
      details.set(id, next);
      for (const s of next.sensors) if (!prev || changed(prev.sensors.find((p) => p.id === s.id), s)) batch.sensors.push({ ...s, depot: id });
      for (const c of next.cameras) if (!prev || changed(prev.cameras.find((p) => p.id === c.id), c)) batch.cameras.push({ ...c, depot: id });
      const summary = toSummary(next);
      if (!prev || changed(toSummary(prev), summary)) batch.depots.push(summary);
      if (!prev || prev.readiness !== next.readiness) readinessChanged = true;
    }
    if (readinessChanged || regions.length === 0) {
      regions = computeRegions();
      batch.regions = regions;
    }
    return { batch, evaluated };
  }

  function computeRegions(): RegionSummary[] {
    const site = deps.index().site;
    return site.regions.map((r) => regionSummary(r, site.depots.filter((d) => d.region === r.id).map((d) => ({ id: d.id, readiness: details.get(d.id)?.readiness ?? 'unknown' }))));
  }

  const detailOf = (id: string): DepotDetail | undefined => details.get(id) ?? evaluate(id, deps.clock.now())?.detail;

  return {
    apply,
    noteRejected,
    tick,
    depot: detailOf,
    depots: (visible: (id: string) => boolean = () => true): DepotSummary[] =>
      deps.index().site.depots.filter((d) => visible(d.id)).map((d) => detailOf(d.id)).filter((d): d is DepotDetail => !!d).map(toSummary),
    regions: (visible: (id: string) => boolean = () => true): RegionSummary[] =>
      (regions.length ? regions : computeRegions()).filter((r) => r.depots.some(visible)),
    snapshot(visible: (id: string) => boolean): Pick<Snapshot, 'serverTime' | 'regions' | 'depots'> {
      const site = deps.index().site;
      return {
        serverTime: deps.clock.now(),
        regions: this.regions(visible),
        depots: site.depots.filter((d) => visible(d.id)).map((d) => detailOf(d.id)).filter((d): d is DepotDetail => !!d),
      };
    },
  };
}
export type LiveState = ReturnType<typeof createLiveState>;

function toSummary(d: DepotDetail): DepotSummary {
  const { zones: _z, sensors: _s, cameras: _c, ...summary } = d;
  return summary;
}

function changed(a: SensorView | CameraView | DepotSummary | undefined, b: SensorView | CameraView | DepotSummary): boolean {
  return !a || JSON.stringify(a) !== JSON.stringify(b);
}
