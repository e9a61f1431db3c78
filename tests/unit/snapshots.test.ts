import { describe, expect, it } from 'vitest';
import { lowerQualityUrl } from '../../collectors/src/edge/snapshots/quality.js';
import { createAlarmEdges, createDebounce } from '../../collectors/src/edge/snapshots/triggers.js';
import {
  isJpeg, MAX_SNAPSHOT_BYTES, parseSnapshotTimelineDetail, parseSnapshotTopic, snapshotTimelineDetail,
} from '../../server/src/contracts/snapshots.js';
import { ATTACH_AFTER_MS, ATTACH_BEFORE_MS, alarmsFor, nearestTo } from '../../server/src/domain/snapshot-attach.js';
import { chooseExpired } from '../../server/src/domain/snapshot-retention.js';
import { normaliseSnapshot } from '../../server/src/ingest/normalise-snapshot.js';
import { FakeClock } from '../helpers/system.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const DAY = 86_400_000;

describe('JPEG check', () => {
  it('takes SOI plus a marker, and nothing else', () => {
    expect(isJpeg(JPEG)).toBe(true);
    expect(isJpeg(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false); // too short to be a picture
    expect(isJpeg(Buffer.from('GIF89a....'))).toBe(false);
    expect(isJpeg(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).toBe(false); // PNG
    expect(isJpeg(Buffer.from([0xff, 0xd8, 0x00, 0xe0]))).toBe(false);
    expect(isJpeg(new Uint8Array())).toBe(false);
  });
});

describe('snapshot topics and the binary normaliser', () => {
  it('splits snapshot and request topics and checks their ids', () => {
    expect(parseSnapshotTopic('depots', 'depots/K1/cameras/C1/snapshot')).toEqual({ type: 'snapshot', depotId: 'K1', cameraId: 'C1' });
    expect(parseSnapshotTopic('depots', 'depots/K1/cameras/C1/snapshot/request')).toEqual({ type: 'request', depotId: 'K1', cameraId: 'C1' });
    expect(parseSnapshotTopic('depots', 'depots/K1/cameras/C1/health')).toBeNull();
    expect(parseSnapshotTopic('depots', 'depots/K1/cameras/C1/snapshot/other')).toBeNull();
    expect(parseSnapshotTopic('depots', 'depots/K 1/cameras/C1/snapshot')).toEqual({ type: 'bad_id' });
    expect(parseSnapshotTopic('depots', 'depots/K1/cameras/C%1/snapshot')).toEqual({ type: 'bad_id', depotId: 'K1' });
  });

  it('routes a JPEG before any JSON parsing, dates it by the ts user property or on receipt, and names every refusal', () => {
    const now = 1_800_000_000_000;
    const ok = normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', JPEG, undefined, now);
    expect(ok).toMatchObject({ kind: 'snapshot', snapshot: { depotId: 'K1', cameraId: 'C1', ts: now, receivedAt: now } });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', JPEG, String(now - 5000), now)).toMatchObject({ snapshot: { ts: now - 5000 } });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', JPEG, String(now + 3600_000), now)).toMatchObject({ kind: 'rejected', reason: 'future_ts' });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', JPEG, 'yesterday', now)).toMatchObject({ kind: 'rejected', reason: 'bad_ts' });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', Buffer.from('{"a":1}'), undefined, now)).toMatchObject({ kind: 'rejected', reason: 'not_jpeg', depotId: 'K1' });
    const over = Buffer.concat([JPEG, Buffer.alloc(MAX_SNAPSHOT_BYTES)]);
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', over, undefined, now)).toMatchObject({ kind: 'rejected', reason: 'too_large' });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', Buffer.concat([JPEG, Buffer.alloc(MAX_SNAPSHOT_BYTES - JPEG.length)]), undefined, now)).toMatchObject({ kind: 'snapshot' });
    expect(normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot/request', Buffer.from('{}'), undefined, now)).toEqual({ kind: 'ignored' });
    expect(normaliseSnapshot('depots', 'depots/K1/sensors/T1', Buffer.from('{}'), undefined, now)).toEqual({ kind: 'other' });
  });

  it('keeps a copy of the bytes, not a view into the packet', () => {
    const packet = Buffer.from(JPEG);
    const r = normaliseSnapshot('depots', 'depots/K1/cameras/C1/snapshot', packet, undefined, 1);
    packet.fill(0);
    expect(r.kind === 'snapshot' && isJpeg(r.snapshot.jpeg)).toBe(true);
  });

  it('writes and reads the timeline entry detail', () => {
    expect(parseSnapshotTimelineDetail(snapshotTimelineDetail(42, 'CAM-01'))).toEqual({ id: 42, camera: 'CAM-01' });
    expect(parseSnapshotTimelineDetail('raised: normal → unack')).toBeNull();
    expect(parseSnapshotTimelineDetail(undefined)).toBeNull();
  });
});

describe('a lower-quality snapshot URL', () => {
  it('lowers quality-like parameters, raises Axis compression, and says when it cannot', () => {
    expect(lowerQualityUrl('http://cam/snap.jpg?quality=90')).toBe('http://cam/snap.jpg?quality=54');
    expect(lowerQualityUrl('http://cam/snap.jpg?quality=54')).toBe('http://cam/snap.jpg?quality=32');
    expect(lowerQualityUrl('http://cam/snap.jpg?quality=12')).toBe('http://cam/snap.jpg?quality=10');
    expect(lowerQualityUrl('http://cam/snap.jpg?quality=10')).toBeNull();
    expect(lowerQualityUrl('http://u:p@cam/cgi?res=hd&q=80')).toBe('http://u:p@cam/cgi?res=hd&q=48');
    expect(lowerQualityUrl('http://cam/axis-cgi/jpg/image.cgi?compression=30')).toBe('http://cam/axis-cgi/jpg/image.cgi?compression=60');
    expect(lowerQualityUrl('http://cam/axis-cgi/jpg/image.cgi?compression=100')).toBeNull();
    expect(lowerQualityUrl('http://cam/snap.jpg')).toBeNull();
    expect(lowerQualityUrl('http://cam/snap.jpg?quality=high')).toBeNull();
    expect(lowerQualityUrl('not a url')).toBeNull();
  });
});

describe('edge snapshot triggers', () => {
  it('fires on a change into the alarm state only, per sensor, for door, motion, fence and smoke', () => {
    const e = createAlarmEdges();
    expect(e.observe('D1', 'door', 0)).toBe(false);
    expect(e.observe('D1', 'door', 1)).toBe(true);
    expect(e.observe('D1', 'door', 1)).toBe(false);
    expect(e.observe('D1', 'door', 0)).toBe(false);
    expect(e.observe('D1', 'door', 1)).toBe(true);
    expect(e.observe('F1', 'fence', 1)).toBe(true); // first reading already active
    expect(e.observe('M1', 'motion', 1)).toBe(true);
    expect(e.observe('S1', 'smoke', 1)).toBe(true);
    expect(e.observe('T1', 'temperature', 45)).toBe(false);
    expect(e.observe('W1', 'water', 1)).toBe(false);
    expect(e.observe('D2', 'door', Number.NaN)).toBe(false);
  });

  it('debounces per camera with the time it is given', () => {
    const clock = new FakeClock(1_000_000);
    const d = createDebounce();
    expect(d.allow('C1', clock.now(), 30_000)).toBe(true);
    clock.advance(29_999);
    expect(d.allow('C1', clock.now(), 30_000)).toBe(false);
    expect(d.allow('C2', clock.now(), 30_000)).toBe(true); // another camera has its own window
    clock.advance(1);
    expect(d.allow('C1', clock.now(), 30_000)).toBe(true);
    // a flapping door: 100 changes over 50 s give two pictures
    let taken = 0;
    for (let i = 0; i < 100; i++) {
      clock.advance(500);
      if (d.allow('C3', clock.now(), 30_000)) taken++;
    }
    expect(taken).toBe(2);
  });
});

describe('snapshot retention', () => {
  const rows = (now: number) => [
    { id: 1, ts: now - 40 * DAY, bytes: 100 },
    { id: 2, ts: now - 31 * DAY, bytes: 100 },
    { id: 3, ts: now - 10 * DAY, bytes: 300 },
    { id: 4, ts: now - 5 * DAY, bytes: 300 },
    { id: 5, ts: now - 1 * DAY, bytes: 300 },
  ];

  it('removes past the age limit, then the oldest past the byte cap, and keeps what an open incident holds', () => {
    const clock = new FakeClock(1_800_000_000_000);
    const policy = { maxAgeMs: 30 * DAY, maxBytes: 10_000 };
    expect(chooseExpired(rows(clock.now()), clock.now(), policy, new Set())).toEqual({ remove: [1, 2], overCapBy: 0 });
    expect(chooseExpired(rows(clock.now()), clock.now(), policy, new Set([1]))).toEqual({ remove: [2], overCapBy: 0 });
    clock.advance(21 * DAY);
    expect(chooseExpired(rows(clock.now() - 21 * DAY), clock.now(), policy, new Set()).remove).toEqual([1, 2, 3]);
    // byte cap: 900 bytes left after age, cap 650: the oldest (3) goes, then 4 is kept by an incident, 5 stays
    const capped = chooseExpired(rows(clock.now()), clock.now(), { maxAgeMs: 30 * DAY, maxBytes: 650 }, new Set());
    expect(capped.remove).toEqual([1, 2, 3]);
    const keptByIncident = chooseExpired(rows(clock.now()), clock.now(), { maxAgeMs: 30 * DAY, maxBytes: 250 }, new Set([3, 4]));
    expect(keptByIncident.remove).toEqual([1, 2, 5]);
    expect(keptByIncident.overCapBy).toBe(350);
  });

  it('goes by the picture\'s time, not by its id, and removes nothing when within both limits', () => {
    const now = 1_800_000_000_000;
    const out = [{ id: 9, ts: now - 2 * DAY, bytes: 10 }, { id: 10, ts: now - 3 * DAY, bytes: 10 }];
    expect(chooseExpired(out, now, { maxAgeMs: DAY * 30, maxBytes: 15 }, new Set()).remove).toEqual([10]);
    expect(chooseExpired(out, now, { maxAgeMs: DAY * 30, maxBytes: 100 }, new Set())).toEqual({ remove: [], overCapBy: 0 });
  });
});

describe('which alarm a snapshot verifies', () => {
  const raised = 1_800_000_000_000;
  const alarm = (id: string, zone: string | undefined, at: number | null) => ({ id, depot: 'K1', zone, raisedAt: at, incidentId: 'INC-1' });

  it('attaches to the alarms of the camera\'s zone raised around the picture', () => {
    const shot = { id: 1, depot: 'K1', camera: 'C1', zone: 'A', ts: raised + 5000 };
    const alarms = [alarm('a', 'A', raised), alarm('b', 'B', raised), alarm('c', 'A', raised - ATTACH_AFTER_MS - 40_000), alarm('d', 'A', null), alarm('e', undefined, raised)];
    expect(alarmsFor(shot, alarms).map((a) => a.id)).toEqual(['a']);
    expect(alarmsFor({ ...shot, zone: null }, alarms)).toEqual([]);
    expect(alarmsFor({ ...shot, depot: 'K2' }, alarms)).toEqual([]);
    // taken on the door's change, a little before the centre raised it
    expect(alarmsFor({ ...shot, ts: raised - ATTACH_BEFORE_MS }, alarms).map((a) => a.id)).toEqual(['a']);
    expect(alarmsFor({ ...shot, ts: raised - ATTACH_BEFORE_MS - 1 }, alarms)).toEqual([]);
  });

  it('picks the nearest stored picture within the window', () => {
    const s = (id: number, dt: number) => ({ id, depot: 'K1', camera: 'C1', zone: 'A', ts: raised + dt });
    expect(nearestTo(raised, [s(1, -20_000), s(2, 3000), s(3, 60_000)])?.id).toBe(2);
    expect(nearestTo(raised, [s(1, -ATTACH_BEFORE_MS - 1), s(2, ATTACH_AFTER_MS + 1)])).toBeNull();
    expect(nearestTo(raised, [])).toBeNull();
  });
});
