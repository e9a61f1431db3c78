import type { AlarmView, DeliveryStatus, DepotDetail, DepotSummary, FloodStatus, IncidentView, LiveBatch, RegionSummary, Snapshot } from '../types.js';

/**
 * The board's picture of the world: a snapshot, then coalesced batches applied on top.
 * Updates are immutable — a depot object changes identity only when something in it changed, so
 * Svelte re-renders exactly the tiles and rows that moved, even at four batches a second.
 */
export interface LiveData {
  depots: Readonly<Record<string, DepotDetail>>;
  regions: Readonly<Record<string, RegionSummary>>;
  /** every alarm that is not plainly normal, by id */
  alarms: Readonly<Record<string, AlarmView>>;
  /** live incidents and those resolved or closed in the last 24 h, by id */
  incidents: Readonly<Record<string, IncidentView>>;
  flood: FloodStatus | null;
  /** how late readings reach the centre (0: on time) */
  delivery: DeliveryStatus;
  /** server clock minus browser clock at the last snapshot, to age timestamps on a skewed kiosk PC */
  skewMs: number;
}

export function fromSnapshot(s: Snapshot, receivedAt: number): LiveData {
  return {
    depots: Object.fromEntries(s.depots.map((d) => [d.id, d])),
    regions: Object.fromEntries(s.regions.map((r) => [r.id, r])),
    // tolerated absent: a server without the alarm service still drives the readiness board
    alarms: Object.fromEntries((s.alarms ?? []).map((a) => [a.id, a])),
    incidents: Object.fromEntries((s.incidents ?? []).map((i) => [i.id, i])),
    flood: s.flood ?? null,
    delivery: s.delivery ?? { lateS: 0 },
    skewMs: s.serverTime - receivedAt,
  };
}

function withSummary(prev: DepotDetail | undefined, s: DepotSummary): DepotDetail {
  // a summary carries no devices: keep the ones we have (or none, for a depot that just came into scope)
  return { ...s, zones: prev?.zones ?? [], sensors: prev?.sensors ?? [], cameras: prev?.cameras ?? [] };
}

export function applyBatch(state: LiveData, b: LiveBatch): LiveData {
  const depots: Record<string, DepotDetail> = { ...state.depots };
  for (const s of b.depots) depots[s.id] = withSummary(depots[s.id], s);

  const sensorsByDepot = groupBy(b.sensors);
  for (const [id, updates] of sensorsByDepot) {
    const d = depots[id];
    if (!d) continue; // not in our scope, or we have not had its snapshot yet: the next resync brings it
    depots[id] = { ...d, sensors: mergeById(d.sensors, updates.map(({ depot: _depot, ...v }) => v)) };
  }
  const camerasByDepot = groupBy(b.cameras);
  for (const [id, updates] of camerasByDepot) {
    const d = depots[id];
    if (!d) continue;
    depots[id] = { ...d, cameras: mergeById(d.cameras, updates.map(({ depot: _depot, ...v }) => v)) };
  }

  const regions = b.regions.length === 0 ? state.regions : { ...state.regions, ...Object.fromEntries(b.regions.map((r) => [r.id, r])) };
  return {
    ...state, depots, regions, alarms: applyAlarms(state.alarms, b.alarms), incidents: applyIncidents(state.incidents, b.incidents), flood: b.flood ?? state.flood, delivery: b.delivery ?? state.delivery,
  };
}

/**
 * An operator action's answer (the incident as the server committed it) applied at once, so the
 * guard sees the acknowledgement without waiting for the broadcast that carries the same thing.
 */
export function applyIncident(state: LiveData, i: IncidentView): LiveData {
  return { ...state, incidents: applyIncidents(state.incidents, [i]), alarms: applyAlarms(state.alarms, i.alarms) };
}

export function applyAlarm(state: LiveData, a: AlarmView): LiveData {
  return { ...state, alarms: applyAlarms(state.alarms, [a]) };
}

/**
 * An alarm back to `normal` leaves the list; any other state replaces the previous one, unless what
 * we hold is newer: an action's answer (REST) may overtake the broadcast of an earlier change.
 */
function applyAlarms(prev: LiveData['alarms'], changed: readonly AlarmView[] | undefined): LiveData['alarms'] {
  if (!changed || changed.length === 0) return prev;
  const next: Record<string, AlarmView> = { ...prev };
  for (const a of changed) {
    const held = next[a.id];
    if (held && held.updatedAt > a.updatedAt) continue;
    if (a.state === 'normal') delete next[a.id];
    else next[a.id] = a;
  }
  return next;
}

function applyIncidents(prev: LiveData['incidents'], changed: readonly IncidentView[] | undefined): LiveData['incidents'] {
  if (!changed || changed.length === 0) return prev;
  const next: Record<string, IncidentView> = { ...prev };
  for (const i of changed) {
    const held = next[i.id];
    if (!held || held.updatedAt <= i.updatedAt) next[i.id] = i;
  }
  return next;
}

function groupBy<T extends { depot: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const list = m.get(it.depot);
    if (list) list.push(it); else m.set(it.depot, [it]);
  }
  return m;
}

/** replaces items by id, appends new ones, keeps the order the server gave */
export function mergeById<T extends { id: string }>(list: readonly T[], updates: readonly T[]): T[] {
  const byId = new Map(updates.map((u) => [u.id, u]));
  const merged = list.map((item) => {
    const u = byId.get(item.id);
    if (u) byId.delete(item.id);
    return u ?? item;
  });
  return merged.concat([...byId.values()]);
}
