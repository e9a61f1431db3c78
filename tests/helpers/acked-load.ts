import { connectAsync } from 'mqtt';

/**
 * An open-loop QoS 1 publisher that counts what the broker acknowledged (PUBACK): the readings the
 * centre must then store, every one of them. Message i goes to series i % series.length with
 * ts = startMs + floor(i × 1000 / rate), so every (series, ts) is distinct while series.length > rate / 1000,
 * and the points of a run are exactly those in [fromMs, toMs).
 */
export interface AckedLoadResult {
  published: number;
  acked: number;
  fromMs: number;
  /** exclusive */
  toMs: number;
}

export interface AckedLoad {
  published(): number;
  acked(): number;
  /** stops publishing and waits (up to 30 s) for the outstanding PUBACKs */
  stop(): Promise<AckedLoadResult>;
}

export interface SeriesRef { topic: string; payload: (ts: number, i: number) => string }

export async function startAckedLoad(url: string, opts: { rate: number; series: readonly SeriesRef[]; clientId?: string; maxSec?: number }): Promise<AckedLoad> {
  if (opts.series.length <= opts.rate / 1000) throw new Error(`startAckedLoad: ${opts.series.length} series cannot keep (series, ts) distinct at ${opts.rate} msg/s`);
  const client = await connectAsync(url, { clientId: opts.clientId ?? `acked-load-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, reconnectPeriod: 1000, clean: true });
  (client.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  const startMs = Date.now();
  const started = performance.now();
  let published = 0;
  let acked = 0;
  let stopped = false;
  const tsOf = (i: number) => startMs + Math.floor((i * 1000) / opts.rate);
  const timer = setInterval(() => {
    if (stopped) return;
    const elapsed = (performance.now() - started) / 1000;
    const due = Math.round(elapsed * opts.rate);
    for (; published < due; published++) {
      const s = opts.series[published % opts.series.length];
      if (!s) continue;
      client.publish(s.topic, s.payload(tsOf(published), published), { qos: 1 }, (err) => { if (!err) acked++; });
    }
    if (opts.maxSec !== undefined && elapsed >= opts.maxSec) stopped = true;
  }, 5);
  return {
    published: () => published,
    acked: () => acked,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const deadline = Date.now() + 30_000;
      while (acked < published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await client.endAsync(true);
      return { published, acked, fromMs: startMs, toMs: tsOf(Math.max(0, published - 1)) + 1 };
    },
  };
}
