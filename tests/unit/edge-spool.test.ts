import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import { openSpool, type Spool } from '../../collectors/src/edge/spool/spool.js';

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
const temp = (id: string, ts: number, value = 20): EdgeReading => ({ type: 'sensor', sensorId: id, payload: { ts, kind: 'temperature', value, unit: 'C' } });
const door = (id: string, ts: number, value: number): EdgeReading => ({ type: 'sensor', sensorId: id, payload: { ts, kind: 'door', value } });
const cam = (id: string, ts: number, online: boolean): EdgeReading => ({ type: 'camera', cameraId: id, payload: { ts, online } });

describe('edge spool (SQLite WAL)', () => {
  const dirs: string[] = [];
  const spools: Spool[] = [];
  let now = T0;
  const open = (dir: string, maxBytes = 1e9, maxAgeHours = 24) => {
    const s = openSpool({ dir, maxBytes, maxAgeHours, now: () => now, logger: silentLogger });
    spools.push(s);
    return s;
  };
  const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'edge-spool-')); dirs.push(d); return d; };
  afterEach(() => {
    for (const s of spools.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    now = T0;
  });

  it('keeps readings in order until they are removed, across a reopen', () => {
    const dir = tmp();
    const s = open(dir);
    const seqs = [temp('T1', T0), door('D1', T0 + 1, 1), cam('C1', T0 + 2, true)].map((r) => s.append(r));
    expect(s.remove([seqs[1] ?? 0])).toBe(1);
    s.close();
    const again = open(dir);
    expect(again.page(0, 10).map((r) => r.reading)).toEqual([temp('T1', T0), cam('C1', T0 + 2, true)]);
    expect(again.stats()).toMatchObject({ spooled: 2, dropped: 0 });
    expect(again.page(seqs[0] ?? 0, 10).map((r) => r.seq)).toEqual([seqs[2]]);
  });

  it('over its byte budget drops the oldest telemetry first and keeps every state', () => {
    const s = open(tmp(), 4000);
    s.append(door('D1', T0, 1));
    s.append(cam('C1', T0, false));
    for (let i = 0; i < 60; i++) s.append(temp('T1', T0 + 1000 * (i + 1), i));
    const left = s.page(0, 1000).map((r) => r.reading);
    expect(s.stats().bytes).toBeLessThanOrEqual(4000);
    expect(s.stats().dropped).toBeGreaterThan(0);
    expect(s.stats().spooled).toBe(left.length);
    expect(left.slice(0, 2)).toEqual([door('D1', T0, 1), cam('C1', T0, false)]);
    // what survives is the newest telemetry, contiguous up to the last reading
    const values = left.slice(2).map((r) => (r.type === 'sensor' ? r.payload.value : -1));
    expect(values.at(-1)).toBe(59);
    expect(values).toEqual(values.map((_, i) => 60 - values.length + i));
  });

  it('with only states left drops superseded ones, never the latest of a device', () => {
    const s = open(tmp(), 1500);
    for (let i = 0; i < 40; i++) s.append(door(i % 2 ? 'D1' : 'D2', T0 + i, i % 3 === 0 ? 1 : 0));
    const left = s.page(0, 1000).map((r) => r.reading);
    expect(s.stats().dropped).toBeGreaterThan(0);
    const last = (id: string) => left.filter((r) => r.type === 'sensor' && r.sensorId === id).at(-1);
    expect(last('D1')).toEqual(door('D1', T0 + 39, 1));
    expect(last('D2')).toEqual(door('D2', T0 + 38, 0));
  });

  it('drops readings older than maxAgeHours, except the latest state of each device', () => {
    const s = open(tmp(), 1e9, 1);
    s.append(temp('T1', T0));
    s.append(door('D1', T0, 1));
    s.append(door('D1', T0 + 1000, 0));
    s.append(cam('C1', T0, false));
    s.append(temp('T1', T0 + 3600_000));
    now = T0 + 3600_000 + 5000;
    expect(s.enforce()).toBe(2);
    expect(s.page(0, 10).map((r) => r.reading)).toEqual([door('D1', T0 + 1000, 0), cam('C1', T0, false), temp('T1', T0 + 3600_000)]);
    expect(s.stats()).toMatchObject({ spooled: 3, dropped: 2 });
  });

  it('keeps small settings beside the readings', () => {
    const dir = tmp();
    const s = open(dir);
    s.setMeta('k', 'v1');
    s.setMeta('k', 'v2');
    s.close();
    expect(open(dir).getMeta('k')).toBe('v2');
  });
});
