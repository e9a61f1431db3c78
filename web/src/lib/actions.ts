import { ApiRequestError } from './api/http.js';
import type { OpsApi } from './api/ops.js';
import type { LiveStore } from './stores/live.svelte.js';
import type { ActionResult, AlarmView, IncidentAckResult, IncidentView } from './types.js';

/**
 * Operator actions with one outcome shape (the server's ActionResult) whatever the path.
 * Acknowledgements go over the live socket (the guard's tablet already has it open, and it answers
 * without a new HTTP round trip); when the socket is down or silent they go over REST instead —
 * acknowledging twice is harmless on the server, and an incident acknowledgement names the alarms
 * the operator saw, so a retry never covers one raised meanwhile. Every success is applied to the
 * live state at once.
 */
export class Actions {
  constructor(private readonly live: LiveStore, private readonly ops: OpsApi) {}

  async ackIncident(id: string, note: string, seen: readonly AlarmView[]): Promise<ActionResult<IncidentAckResult>> {
    const alarms = seen.map((a) => ({ id: a.id, raisedAt: a.raisedAt }));
    const r = (await this.live.link?.ackIncident(id, note, alarms)) ?? (await this.rest(() => this.ops.ackIncident(id, note, alarms)));
    if (r.ok) this.live.applyIncident(r.data);
    return r;
  }

  async ackAlarm(id: string, note: string): Promise<ActionResult<AlarmView>> {
    const r = (await this.live.link?.ackAlarm(id, note)) ?? (await this.rest(() => this.ops.ackAlarm(id, note)));
    if (r.ok) this.live.applyAlarm(r.data);
    return r;
  }

  /** an incident action over REST (note, assign, resolve, close), applied live when it succeeds */
  async incident(f: (ops: OpsApi) => Promise<IncidentView>): Promise<ActionResult<IncidentView>> {
    const r = await this.rest(() => f(this.ops));
    if (r.ok) this.live.applyIncident(r.data);
    return r;
  }

  /** an alarm action over REST (shelve, unshelve, out of service, return) */
  async alarm(f: (ops: OpsApi) => Promise<AlarmView>): Promise<ActionResult<AlarmView>> {
    const r = await this.rest(() => f(this.ops));
    if (r.ok) this.live.applyAlarm(r.data);
    return r;
  }

  /** any other REST call with the same outcome shape */
  async rest<T>(f: () => Promise<T>): Promise<ActionResult<T>> {
    try {
      return { ok: true, data: await f() };
    } catch (e) {
      if (e instanceof ApiRequestError) return { ok: false, status: e.status, error: e.error, message: e.message, ...(e.fields ? { fields: e.fields } : {}) };
      return { ok: false, status: 0, error: 'network', message: e instanceof Error ? e.message : String(e) };
    }
  }
}
