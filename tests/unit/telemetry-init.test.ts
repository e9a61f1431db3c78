import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../../server/src/ports/telemetry-store.js';
import { initTelemetryStore } from '../../server/src/services/telemetry-init.js';
import { waitFor } from '../helpers/system.js';

/** A store whose init() fails `failures` times with ECONNREFUSED, then succeeds. */
function flakyStore(failures: number): TelemetryStore & { calls: number } {
  const store = {
    calls: 0,
    init: () => {
      store.calls += 1;
      if (store.calls <= failures) return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }));
      return Promise.resolve();
    },
  };
  return store as unknown as TelemetryStore & { calls: number };
}

function capture() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as { level: number; msg: string }); } });
  return { logger, lines };
}

describe('initTelemetryStore', () => {
  it('an unreachable store is one warning sentence, then retries until it answers', async () => {
    const { logger, lines } = capture();
    const store = flakyStore(3);
    const init = await initTelemetryStore(store, { logger, where: 'InfluxDB at http://x:8086', remedy: 'Start InfluxDB.', retry: { initialMs: 5, maxMs: 20 } });
    await waitFor(() => lines.some((l) => l.msg.includes('answers again')), 5000, 'the store answering');
    init.stop();
    expect(store.calls).toBe(4);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual([
      'InfluxDB at http://x:8086 cannot be reached (connection refused): DepotWatch keeps running and retries; telemetry waits in the on-disk queue until it answers. Start InfluxDB.',
    ]);
  });

  it('a store that answers at once is not retried; stop() ends the retries', async () => {
    const ok = flakyStore(0);
    (await initTelemetryStore(ok, { ...capture(), where: 'w', remedy: 'r' })).stop();
    expect(ok.calls).toBe(1);
    const down = flakyStore(1000);
    const init = await initTelemetryStore(down, { ...capture(), where: 'w', remedy: 'r', retry: { initialMs: 5, maxMs: 5 } });
    await waitFor(() => down.calls >= 3, 5000, 'a few retries');
    init.stop();
    const after = down.calls;
    await new Promise((r) => setTimeout(r, 30));
    expect(down.calls).toBeLessThanOrEqual(after + 1);
  });
});
