import { startChild } from '../child.js';
import type { Sink, SinkContext } from './types.js';

/** The yardstick: ../shared/bench/bare-collector.mjs, the least a Node collector can do. */
export function bareSink(ctx: SinkContext): Sink {
  const db = 'bare';
  return {
    id: 'bare',
    label: 'bare collector (yardstick)',
    depotWatch: false,
    async start(qos, extraNodeArgs = []) {
      await ctx.influx.createDatabase(db);
      const child = startChild(ctx.cleanup, 'bare collector', process.execPath, [
        ...extraNodeArgs, ctx.peers.script('bare-collector.mjs'), '--url', ctx.mqttUrl, '--influx', ctx.influx.url, '--db', db, '--qos', String(qos),
      ]);
      try {
        await child.waitForLine(/"ready":true/, 30_000);
      } catch (err) {
        await child.stop();
        throw err;
      }
      return { pid: child.pid, counter: ctx.influx.counter(db), stop: (graceMs) => child.stop(graceMs) };
    },
  };
}
