import type { ReasonCode } from '../contracts/api.js';
import { BINARY_KINDS, type AcceptedMessage } from '../contracts/telemetry.js';

/**
 * What a depot's replayed history (readings flagged `hist`, SPEC §3) revealed about the time its link was down,
 * summarised for one audit entry `link.backfill` per replay: each state that was active during the gap (a door
 * open 02:14–02:16, smoke, a fence breach, a camera offline, tampered or without video), and the extremes of
 * every measurement. Codes and params only; the board phrases them. Pure, and bounded in memory by the number
 * of devices: replayed readings arrive in order per device, so intervals are built as they come.
 */

export interface BackfillEvent {
  code: Extract<ReasonCode, 'state_active' | 'cameras_offline' | 'camera_tamper' | 'camera_video_loss'>;
  params: { device: string; kind: string; zone: string };
  from: number;
  /** null: still active at the end of the replayed history */
  to: number | null;
}

export interface BackfillSummary {
  code: 'link.backfill';
  params: {
    depot: string;
    /** the span of the replayed readings */
    from: number;
    to: number;
    readings: number;
    devices: number;
    events: BackfillEvent[];
    /** events left out beyond MAX_EVENTS */
    moreEvents: number;
    measurements: { device: string; kind: string; zone: string; min: number; max: number; n: number }[];
  };
}

export const MAX_EVENTS = 100;
const MAX_MEASUREMENTS = 100;

type Flag = 'offline' | 'tamper' | 'videoLoss';
const CAMERA_FLAGS: readonly { flag: Flag; code: BackfillEvent['code'] }[] = [
  { flag: 'offline', code: 'cameras_offline' }, { flag: 'tamper', code: 'camera_tamper' }, { flag: 'videoLoss', code: 'camera_video_loss' },
];

interface Track { zone: string; kind: string; lastTs: number; open: Map<string, number>; min: number; max: number; n: number; binary: boolean }

export function createBackfillSummary(depot: string) {
  const devices = new Map<string, Track>();
  const events: BackfillEvent[] = [];
  let moreEvents = 0;
  let readings = 0;
  let from = Infinity;
  let to = -Infinity;

  const push = (e: BackfillEvent) => { if (events.length < MAX_EVENTS) events.push(e); else moreEvents++; };

  /** one state of a device: opens an interval when it becomes active, closes it when it ends */
  function step(t: Track, device: string, key: string, code: BackfillEvent['code'], active: boolean, ts: number): void {
    const since = t.open.get(key);
    if (active && since === undefined) t.open.set(key, ts);
    if (!active && since !== undefined) {
      t.open.delete(key);
      push({ code, params: { device, kind: t.kind, zone: t.zone }, from: since, to: ts });
    }
  }

  return {
    /** one replayed reading; `zone` from the configuration */
    add(msg: Extract<AcceptedMessage, { type: 'sensor' | 'camera' }>, zone: string): void {
      readings++;
      from = Math.min(from, msg.ts);
      to = Math.max(to, msg.ts);
      const id = msg.type === 'sensor' ? msg.sensorId : msg.cameraId;
      const key = `${msg.type}/${id}`;
      let t = devices.get(key);
      if (!t) {
        const kind = msg.type === 'sensor' ? msg.kind : 'camera';
        const binary = msg.type === 'camera' || BINARY_KINDS.has(msg.kind);
        devices.set(key, (t = { zone, kind, lastTs: -Infinity, open: new Map(), min: Infinity, max: -Infinity, n: 0, binary }));
      }
      // a duplicate or a late one (a crash re-sent it) says nothing new about the sequence of states
      if (msg.ts <= t.lastTs) return;
      t.lastTs = msg.ts;
      if (msg.type === 'camera') {
        const h = msg.health;
        const state: Record<Flag, boolean> = { offline: !h.online, tamper: h.tamper === true, videoLoss: h.videoLoss === true };
        for (const f of CAMERA_FLAGS) step(t, id, f.flag, f.code, state[f.flag], msg.ts);
      } else if (t.binary) {
        step(t, id, 'state', 'state_active', msg.value === 1, msg.ts);
      } else {
        t.min = Math.min(t.min, msg.value);
        t.max = Math.max(t.max, msg.value);
        t.n++;
      }
    },
    readings: () => readings,
    /** the summary of everything added; states still active are reported open-ended */
    summary(): BackfillSummary {
      const stillOpen: BackfillEvent[] = [];
      for (const [key, t] of devices) {
        const device = key.slice(key.indexOf('/') + 1);
        for (const [flag, since] of t.open) {
          const code = t.kind === 'camera' ? (CAMERA_FLAGS.find((f) => f.flag === flag)?.code ?? 'cameras_offline') : 'state_active';
          stillOpen.push({ code, params: { device, kind: t.kind, zone: t.zone }, from: since, to: null });
        }
      }
      const all = [...events, ...stillOpen.slice(0, Math.max(0, MAX_EVENTS - events.length))].sort((a, b) => a.from - b.from);
      const measurements = [...devices].filter(([, t]) => !t.binary && t.n > 0).slice(0, MAX_MEASUREMENTS)
        .map(([key, t]) => ({ device: key.slice(key.indexOf('/') + 1), kind: t.kind, zone: t.zone, min: t.min, max: t.max, n: t.n }));
      return {
        code: 'link.backfill',
        params: {
          depot, from, to, readings, devices: devices.size, events: all,
          moreEvents: moreEvents + Math.max(0, stillOpen.length - Math.max(0, MAX_EVENTS - events.length)), measurements,
        },
      };
    },
  };
}
export type BackfillSummaryBuilder = ReturnType<typeof createBackfillSummary>;
