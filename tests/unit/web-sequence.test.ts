import { describe, expect, it } from 'vitest';
import { connectLive, type LiveHandlers, type SocketFactory } from '../../web/src/lib/api/live.js';
import { INITIAL_SEQUENCE, onBatch, onReconnect, onSnapshot } from '../../web/src/lib/transforms/sequence.js';
import type { LiveSnapshot, SequencedBatch } from '../../server/src/contracts/api.js';

describe('live sequence (truth table in transforms/sequence.ts)', () => {
  it('applies the batch after the snapshot and each one after it', () => {
    let s = onSnapshot(1);
    for (const seq of [2, 3, 4]) {
      const r = onBatch(s, seq);
      expect(r.verdict).toBe('apply');
      s = r.next;
    }
    expect(s).toEqual({ phase: 'live', expected: 5 });
  });
  it('calls a skipped number a gap and waits, ignoring batches, until the next snapshot', () => {
    const gap = onBatch(onSnapshot(1), 3);
    expect(gap.verdict).toBe('gap');
    expect(gap.next.phase).toBe('reloading');
    expect(onBatch(gap.next, 4).verdict).toBe('wait');
    expect(onBatch(gap.next, 2).verdict).toBe('wait');
    expect(onSnapshot(7)).toEqual({ phase: 'live', expected: 8 });
  });
  it('ignores a duplicate without reloading', () => {
    const r = onBatch({ phase: 'live', expected: 5 }, 4);
    expect(r).toEqual({ next: { phase: 'live', expected: 5 }, verdict: 'duplicate' });
  });
  it('waits before the first snapshot and after a reconnect', () => {
    expect(onBatch(INITIAL_SEQUENCE, 1).verdict).toBe('wait');
    const r = onReconnect(onSnapshot(3));
    expect(r.phase).toBe('reloading');
    expect(onBatch(r, 4).verdict).toBe('wait');
  });
});

/** a Socket.IO client stand-in: records emits, lets the test play the server */
function fakeSocket() {
  const handlers = new Map<string, ((...a: unknown[]) => void)[]>();
  const emitted: { event: string; ack?: (err: Error | null, v?: unknown) => void }[] = [];
  const sock = {
    connected: false,
    on(ev: string, f: (...a: unknown[]) => void) { handlers.set(ev, [...(handlers.get(ev) ?? []), f]); return sock; },
    timeout() { return { emit: (event: string, ack: (err: Error | null, v?: unknown) => void) => { emitted.push({ event, ack }); } }; },
    emit(event: string) { emitted.push({ event }); return sock; },
    connect() { return sock; },
    disconnect() { return sock; },
    removeAllListeners() { handlers.clear(); return sock; },
  };
  const fire = (ev: string, ...a: unknown[]) => { for (const f of handlers.get(ev) ?? []) f(...a); };
  return { sock, emitted, fire };
}

const snap = (seq: number): LiveSnapshot => ({ seq, serverTime: 0, regions: [], depots: [], alarms: [], incidents: [], flood: { active: false, rate: 0, threshold: 0 } as never });
const batch = (seq: number): SequencedBatch => ({ seq, sensors: [], cameras: [], depots: [], regions: [] });

describe('connectLive and the sequence', () => {
  function setup() {
    const f = fakeSocket();
    const log: string[] = [];
    const h: LiveHandlers = {
      snapshot: (s) => log.push(`snapshot ${(s as LiveSnapshot).seq}`),
      batch: (b) => log.push(`batch ${(b as SequencedBatch).seq}`),
      state: () => {},
      reloading: (on) => log.push(on ? 'reloading' : 'live'),
      unauthorized: () => log.push('unauthorized'),
    };
    connectLive('t', h, () => 0, (() => f.sock) as unknown as SocketFactory);
    f.sock.connected = true;
    f.fire('connect');
    return { ...f, log };
  }

  it('on a gap shows reloading, asks for a snapshot, drops batches meanwhile and recovers with it', () => {
    const { fire, emitted, log } = setup();
    fire('live:snapshot', snap(1));
    fire('live:batch', batch(2));
    fire('live:batch', batch(4));
    fire('live:batch', batch(5));
    const resync = emitted.find((e) => e.event === 'live:resync');
    expect(resync).toBeDefined();
    resync!.ack!(null, snap(5));
    fire('live:batch', batch(6));
    expect(log).toEqual(['snapshot 1', 'batch 2', 'reloading', 'snapshot 5', 'live', 'batch 6']);
  });

  it('after a reconnect shows reloading until the new snapshot, and asks again when an answer does not come', () => {
    const { fire, emitted, log, sock } = setup();
    fire('live:snapshot', snap(1));
    sock.connected = false;
    fire('disconnect', 'transport close');
    sock.connected = true;
    fire('connect');
    expect(log).toEqual(['snapshot 1', 'reloading']);
    const first = emitted.filter((e) => e.event === 'live:resync');
    expect(first).toHaveLength(1);
    first[0]!.ack!(new Error('timeout'));
    expect(emitted.filter((e) => e.event === 'live:resync')).toHaveLength(2);
    fire('live:snapshot', snap(1));
    expect(log).toEqual(['snapshot 1', 'reloading', 'snapshot 1', 'live']);
  });
});
