import type { Page } from 'playwright-core';
import type { AlarmView, AuditEntry } from '../../server/src/contracts/alarms.js';
import { stateOf } from '../../server/src/domain/alarm-engine.js';
import type { TestSystem } from '../../tests/helpers/system.js';
import type { SocketWatch } from './socket-watch.js';

/**
 * The soak's alarm probe. A smoke alarm counts as seen when what a duty officer looks at shows it: a row
 * of the wall's alarm ticker carrying that alarm's id (`data-alarm`), whatever its state (a trip already
 * over is `rtn_unack` and still listed until someone acknowledges it). Two patterns:
 * - `fire`: the detector says 1 and keeps saying it until the probe has seen it (the simulator's own
 *   reading, every 10 s, may say 0 in between, as on 2026-12-02 05:10);
 * - `blip`: 1 and, a millisecond later by its timestamp, 0, both before the next live-state tick: a trip
 *   shorter than a tick, the pattern that lost K008's alarm (tests/unit/live-state-transients.test.ts).
 * A miss is written down with what each stage had: the detector's readings on MQTT, the server's alarm
 * record and audited transitions, the frames the wall's socket received, and what the wall showed.
 */
export type ProbeKind = 'fire' | 'blip';
export interface ProbeResult { at: string; id: string; kind: ProbeKind; ms: number | null; diagnosis?: MissDiagnosis }
export interface MissDiagnosis {
  /** starts with whether the wall admitted it was not live at the deadline: a miss it did not admit is a lie */
  verdict: string;
  readings: { dtMs: number; payload: string }[];
  server: { state: string; raisedDtMs: number | null; clearedDtMs: number | null; activations: number; incident: string | null } | null;
  transitions: { dtMs: number; event: unknown; to: unknown }[];
  socket: { mentions: { dtMs: number; kind: string; seq: number | null; state: string | null }[]; lastSeq: number | null; gapsInWindow: unknown[]; resyncsTotal: number; recentSeqs: (number | null)[] };
  wall: { rows: { id: string | null; state: string | null }[]; total: string | null; reloading: boolean; connectionBanner: boolean; tile: { readiness: string | null; attention: string | null } | null };
}

export function createProbe(deps: { ts: TestSystem; page: Page; socket: SocketWatch; token: string; deadlineMs: number; log: (m: string) => void }) {
  const { ts, page, socket, token, deadlineMs, log } = deps;
  let listening: { topic: string; t0: number; seen: { dtMs: number; payload: string }[] } | null = null;
  ts.mqtt.on('message', (topic, payload) => {
    if (listening && topic === listening.topic) listening.seen.push({ dtMs: Date.now() - listening.t0, payload: payload.toString().slice(0, 200) });
  });

  async function wallShows(id: string, timeoutMs: number): Promise<boolean> {
    try {
      await page.waitForFunction((aid) => [...document.querySelectorAll('[data-testid="ticker-row"]')].some((r) => r.getAttribute('data-alarm') === aid), id, { timeout: timeoutMs, polling: 100 });
      return true;
    } catch {
      return false;
    }
  }

  async function diagnose(depot: string, id: string, t0: number): Promise<MissDiagnosis> {
    const a = ts.system.alarms.alarm(id);
    const server = a ? {
      state: stateOf(a), raisedDtMs: a.raisedAt === null ? null : a.raisedAt - t0, clearedDtMs: a.clearedAt === null ? null : a.clearedAt - t0,
      activations: a.activations.length, incident: a.incidentId,
    } : null;
    const audit = (await ts.api<AuditEntry[]>(`/api/audit?depot=${depot}&action=alarm.transition&from=${t0 - 1000}&limit=200`, token)).body;
    const transitions = (Array.isArray(audit) ? audit : []).filter((e) => e.target === id).map((e) => ({ dtMs: e.at - t0, event: e.detail?.event, to: e.detail?.to }));
    const wall = await page.evaluate((d) => ({
      rows: [...document.querySelectorAll('[data-testid="ticker-row"]')].map((r) => ({ id: r.getAttribute('data-alarm'), state: r.getAttribute('data-state') })),
      total: document.querySelector('[data-testid="alarm-ticker"]')?.getAttribute('data-total') ?? null,
      reloading: !!document.querySelector('[data-testid="reloading-banner"]'),
      connectionBanner: !!document.querySelector('[data-testid="connection-banner"]'),
      tile: ((el) => (el ? { readiness: el.getAttribute('data-readiness'), attention: el.getAttribute('data-attention') } : null))(document.querySelector(`[data-testid="depot-tile-${d}"]`)),
    }), depot);
    const mentions = socket.mentions().map((m) => ({ dtMs: m.at - t0, kind: m.kind, seq: m.seq, state: m.state }));
    const raised = transitions.some((t) => t.event === 'raised' || t.event === 'reraised');
    // a wall that says it is not live (banner: connection lost, or reloading) did not lie; one that looks live did
    const notLive = wall.connectionBanner || wall.reloading ? 'the wall said it was not live; ' : 'the wall looked live; ';
    const verdict = notLive + (!raised ? 'the server never raised it (no raised transition since the injection)'
      : mentions.length === 0 ? 'raised by the server, never received on the wall\'s socket'
        : 'received on the wall\'s socket, not shown in the ticker');
    return {
      verdict, readings: listening?.seen ?? [], server, transitions,
      socket: {
        mentions, lastSeq: socket.stats.lastSeq, gapsInWindow: socket.stats.gaps.filter((g) => g.at >= t0), resyncsTotal: socket.stats.resyncs,
        recentSeqs: socket.recent().map((f) => f.seq),
      },
      wall,
    };
  }

  /** clears the detector and acknowledges the alarm, so the list stays as short as on a calm day */
  async function settle(depot: string, sensor: string, id: string): Promise<void> {
    await ts.mqtt.publishAsync(`depots/${depot}/sensors/${sensor}`, JSON.stringify({ kind: 'smoke', value: 0 }), { qos: 1 });
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const r = await ts.api(`/api/alarms/${encodeURIComponent(id)}/ack`, token, { method: 'POST', body: JSON.stringify({ note: 'soak' }) });
      const a = (await ts.api<AlarmView[]>('/api/alarms', token)).body.find((x) => x.id === id);
      if (r.status < 300 && (!a || a.state === 'normal')) break;
      await new Promise((res) => setTimeout(res, 500));
    }
  }

  return {
    async run(depot: string, sensor: string, kind: ProbeKind): Promise<ProbeResult> {
      const id = `${depot}/smoke:${sensor}`;
      const topic = `depots/${depot}/sensors/${sensor}`;
      await ts.mqtt.subscribeAsync(topic, { qos: 0 });
      const t0 = Date.now();
      listening = { topic, t0, seen: [] };
      socket.watch(id);
      if (kind === 'fire') {
        await ts.mqtt.publishAsync(topic, JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
      } else {
        // explicit timestamps, so the 0 is the newer reading whatever the ingest's receipt times
        await Promise.all([
          ts.mqtt.publishAsync(topic, JSON.stringify({ ts: t0, kind: 'smoke', value: 1 }), { qos: 1 }),
          ts.mqtt.publishAsync(topic, JSON.stringify({ ts: t0 + 1, kind: 'smoke', value: 0 }), { qos: 1 }),
        ]);
      }
      const seen = await wallShows(id, deadlineMs);
      const result: ProbeResult = { at: new Date(t0).toISOString(), id, kind, ms: seen ? Date.now() - t0 : null };
      if (!seen) {
        result.diagnosis = await diagnose(depot, id, t0);
        log(`MISSED (${kind}): ${id} not on the wall within ${deadlineMs / 1000} s: ${result.diagnosis.verdict}\n${JSON.stringify(result.diagnosis)}`);
      }
      listening = null;
      await ts.mqtt.unsubscribeAsync(topic);
      await settle(depot, sensor, id);
      return result;
    },
  };
}
