import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRateLimited, type LiveSnapshot, type RateLimitedReply, type SequencedBatch } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * Every live message on a socket is numbered (contracts/api.ts Sequenced): the join snapshot is 1,
 * batches follow one by one, and a resync's snapshot is current to the last number sent, so a board
 * can tell a lost batch from a quiet moment. Real server, real broker, real Socket.IO client.
 */
let t: TestSystem;
let token: string;
beforeAll(async () => {
  t = await startTestSystem({ site: smallSite() });
  token = await t.login();
});
afterAll(async () => { await t?.stop(); });

const reading = (value: number) => t.mqtt.publishAsync('depots/D1/sensors/T1', JSON.stringify({ kind: 'temperature', value, unit: 'C' }), { qos: 1 });

describe('live sequence numbers', () => {
  it('numbers the snapshot 1 and every batch after it by one, per socket', async () => {
    const a = t.socket(token);
    const seqs: number[] = [];
    const snap = await new Promise<LiveSnapshot>((r) => a.once('live:snapshot', r));
    expect(snap.seq).toBe(1);
    a.on('live:batch', (b: SequencedBatch) => seqs.push(b.seq));
    for (let i = 0; i < 5; i++) {
      await reading(20 + i);
      await waitFor(() => seqs.length > i, 10_000, `batch ${i + 1}`);
    }
    expect(seqs).toEqual(seqs.map((_, i) => i + 2));
    // a second socket counts on its own
    const b = t.socket(token);
    expect((await new Promise<LiveSnapshot>((r) => b.once('live:snapshot', r))).seq).toBe(1);
  });

  it('gives a resync snapshot the number of the last message sent, and the next batch continues from it', async () => {
    const s = t.socket(token);
    const seqs: number[] = [];
    await new Promise((r) => s.once('live:snapshot', r));
    s.on('live:batch', (b: SequencedBatch) => seqs.push(b.seq));
    await reading(30);
    await waitFor(() => seqs.length >= 1, 10_000, 'a batch');
    const reply = await new Promise<LiveSnapshot | RateLimitedReply>((r) => s.emit('live:resync', r));
    if (isRateLimited(reply)) throw new Error('resync refused as rate limited');
    const resync = reply;
    expect(resync.seq).toBe(seqs.at(-1));
    expect(resync.depots.map((d) => d.id)).toEqual(['D1', 'D2']);
    const before = seqs.length;
    await reading(31);
    await waitFor(() => seqs.length > before, 10_000, 'a batch after the resync');
    expect(seqs[before]).toBe(resync.seq + 1);
  });
});
