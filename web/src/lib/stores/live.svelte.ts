import { connectLive, type ConnectionState, type LiveConnection } from '../api/live.js';
import { unackedAlarms } from '../transforms/alarms.js';
import { applyAlarm, applyBatch, applyIncident, fromSnapshot, type LiveData } from '../transforms/live-state.js';
import { sortDepots } from '../transforms/sort.js';
import type { AlarmView, DepotDetail, FloodStatus, IncidentView, RegionSummary } from '../types.js';

/**
 * The board's live state: the pure reducers in transforms/live-state.ts do the work; this class
 * only holds the result in runes and owns the connection's lifetime.
 */
export class LiveStore {
  data = $state.raw<LiveData | null>(null);
  connection = $state.raw<ConnectionState>({ status: 'connecting', since: Date.now() });
  /** a gap or a reconnect: what is on screen may be missing something until the fresh snapshot is in */
  reloading = $state(false);
  /** how many times the picture was found incomplete and reloaded (for the kiosk's watchdog and tests) */
  reloads = $state(0);
  #conn: LiveConnection | null = null;

  readonly depots: DepotDetail[] = $derived(this.data ? sortDepots(Object.values(this.data.depots)) : []);
  /** in the server's (configuration) order, which runs north to south in the demo site */
  readonly regions: RegionSummary[] = $derived(this.data ? Object.values(this.data.regions) : []);
  /** alarms waiting for acknowledgement, newest first */
  readonly unacked: AlarmView[] = $derived(this.data ? unackedAlarms(Object.values(this.data.alarms)) : []);
  /** every alarm in scope that is not plainly normal */
  readonly alarms: AlarmView[] = $derived(this.data ? Object.values(this.data.alarms) : []);
  /** live incidents in scope and those resolved or closed in the last 24 h */
  readonly incidents: IncidentView[] = $derived(this.data ? Object.values(this.data.incidents) : []);
  readonly flood: FloodStatus | null = $derived(this.data?.flood ?? null);
  /** seconds by which readings reach the centre late (0: on time) */
  readonly lateS: number = $derived(this.data?.delivery.lateS ?? 0);
  /** true while what is on screen may no longer be true */
  readonly stale: boolean = $derived(this.connection.status !== 'live' || this.reloading);

  start(token: string, onUnauthorized: () => void): void {
    this.stop();
    this.#conn = connectLive(token, {
      snapshot: (s) => { this.data = fromSnapshot(s, Date.now()); },
      batch: (b) => { if (this.data) this.data = applyBatch(this.data, b); },
      state: (c) => { this.connection = c; },
      reloading: (on) => { this.reloading = on; if (on) this.reloads += 1; },
      unauthorized: onUnauthorized,
    });
  }

  stop(): void {
    this.#conn?.close();
    this.#conn = null;
    this.reloading = false;
  }

  /** forget everything on logout, so the next user never sees the previous user's scope */
  reset(): void {
    this.stop();
    this.data = null;
  }

  /** the open socket, for operator actions sent over it (null when signed out) */
  get link(): LiveConnection | null {
    return this.#conn;
  }

  /** an action's answer, applied before the broadcast of the same change arrives */
  applyIncident(i: IncidentView): void {
    if (this.data) this.data = applyIncident(this.data, i);
  }

  applyAlarm(a: AlarmView): void {
    if (this.data) this.data = applyAlarm(this.data, a);
  }

  depot(id: string): DepotDetail | undefined {
    return this.data?.depots[id];
  }
}
