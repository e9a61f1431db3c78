import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { EdgeReading, Source } from '../../collectors/src/edge/reading.js';

/** Starts a source and keeps everything it emits, with a way to wait for what a test expects. */
export function collect(source: Source): { readings: EdgeReading[]; waitFor(pred: (rs: EdgeReading[]) => boolean, ms?: number, what?: string): Promise<void> } {
  const readings: EdgeReading[] = [];
  source.start((r) => readings.push(r));
  return {
    readings,
    async waitFor(pred, ms = 5000, what = 'readings') {
      const deadline = Date.now() + ms;
      while (!pred(readings)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; got ${JSON.stringify(readings.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** A pino logger whose lines a test can read (parsed JSON), at debug level. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] ?? NaN);
}
