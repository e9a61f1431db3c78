import type { Cleanup } from './cleanup.js';
import type { LiveClient } from './live-client.js';
import { preciseNow } from './live-client.js';
import { runLoad } from './load.js';
import type { Peers } from './peers.js';
import type { Publisher } from './publisher.js';
import { alarmProbeId, alarmProbeSensorOf, PROBE_DEPOT } from './site.js';
import { distribution, type Distribution } from './stats.js';

/**
 * MQTT publish → alarm on a wall display: a smoke detector of the probe depot reports smoke, and the
 * clock stops when a live:batch carries its alarm unacknowledged. The detector is cleared at once, so
 * its next turn is a fresh activation. One probe every PROBE_EVERY_MS: an alarm flood, not a quiet day.
 * The path includes the live tick, the alarm engine, the SQLite commit (synchronous=FULL) and the push.
 */
const PROBE_EVERY_MS = 100;
const MARGIN_MS = 1500;
const DRAIN_MS = 3000;

export interface AlarmLatencyResult {
  backgroundRate: number;
  backgroundAchievedPerSec: number;
  probesSent: number;
  lost: number;
  latency: Distribution | null;
}

export async function measureAlarmLatency(
  deps: { cleanup: Cleanup; peers: Peers; mqttUrl: string; publisher: Publisher; live: LiveClient; pubs: number },
  backgroundRate: number, probeSec: number,
): Promise<AlarmLatencyResult> {
  const pending = new Map<string, { sensor: string; at: number }>();
  const latencies: number[] = [];
  const off = deps.live.onBatch((batch, at) => {
    for (const a of batch.alarms ?? []) {
      if (a.depot !== PROBE_DEPOT || a.state !== 'unack') continue;
      const p = pending.get(a.id);
      if (!p) continue;
      latencies.push(at - p.at);
      pending.delete(a.id);
      deps.publisher.publish(`depots/${PROBE_DEPOT}/sensors/${p.sensor}`, '{"kind":"smoke","value":0}', 0);
    }
  });
  const load = runLoad(deps.cleanup, deps.peers, { url: deps.mqttUrl, rate: backgroundRate, sec: probeSec + (2 * MARGIN_MS) / 1000, pubs: deps.pubs, qos: 0 });
  let probesSent = 0;
  try {
    await sleep(MARGIN_MS);
    const start = preciseNow();
    while (preciseNow() - start < probeSec * 1000) {
      const sensor = alarmProbeSensorOf(probesSent);
      const id = alarmProbeId(sensor);
      if (!pending.has(id)) {
        pending.set(id, { sensor, at: preciseNow() });
        deps.publisher.publish(`depots/${PROBE_DEPOT}/sensors/${sensor}`, '{"kind":"smoke","value":1}', 0);
      }
      probesSent++;
      await sleep(Math.max(0, start + probesSent * PROBE_EVERY_MS - preciseNow()));
    }
    await sleep(DRAIN_MS);
  } finally {
    off();
  }
  const bg = await load;
  return { backgroundRate, backgroundAchievedPerSec: bg.achievedPerSec, probesSent, lost: pending.size, latency: distribution(latencies) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
