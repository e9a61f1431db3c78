import { describe, expect, it } from 'vitest';
import { approveIntoSite, discoveredKey } from '../../server/src/domain/discovered-approve.js';
import { validateSite } from '../../server/src/services/config-service.js';
import { DiscoveryRegistry } from '../../server/src/ingest/discovery.js';
import { smallSite } from '../helpers/site.js';

const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);

describe('approving a discovered device makes the next configuration', () => {
  it('appends the sensor to its depot in the chosen zone, with the message kind, and leaves the rest as it was', () => {
    const site = smallSite();
    const r = approveIntoSite(site, { depotId: 'D1', type: 'sensor', id: 'T9', sensorKind: 'temperature' }, { zone: 'A', name: 'Kho A nhiệt độ 2' });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.added).toEqual({ id: 'T9', zone: 'A', kind: 'temperature', intervalS: 30, name: 'Kho A nhiệt độ 2' });
    expect(r.site.depots[0]!.sensors.at(-1)).toEqual(r.added);
    expect(r.site.depots[0]!.sensors.length).toBe(site.depots[0]!.sensors.length + 1);
    expect(r.site.depots[1]).toBe(site.depots[1]);
    expect(r.site.rules).toBe(site.rules);
    // the input is untouched (it is the running, frozen configuration)
    expect(site.depots[0]!.sensors.some((s) => s.id === 'T9')).toBe(false);
    // and the result passes the one schema, as PUT /api/config would check it
    expect(validateSite(r.site).ok).toBe(true);
  });

  it('adds a camera to the cameras, and takes a kind from the request when the messages gave none', () => {
    const cam = approveIntoSite(smallSite(), { depotId: 'D1', type: 'camera', id: 'C9' }, { zone: 'P', intervalS: 15 });
    expect(cam.ok && cam.site.depots[0]!.cameras.at(-1)).toEqual({ id: 'C9', zone: 'P', intervalS: 15 });
    const s = approveIntoSite(smallSite(), { depotId: 'D2', type: 'sensor', id: 'X' }, { zone: 'T', kind: 'gas' });
    expect(s.ok && s.added).toMatchObject({ kind: 'gas' });
  });

  it('refuses with every problem at once, each naming its request field', () => {
    const r = approveIntoSite(smallSite(), { depotId: 'D1', type: 'sensor', id: 'T1' }, { zone: 'Q' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(['zone', 'key', 'kind']);
    expect(r.problems[0]!.message).toContain('A, P');
    const mismatch = approveIntoSite(smallSite(), { depotId: 'D1', type: 'sensor', id: 'T9', sensorKind: 'temperature' }, { zone: 'A', kind: 'humidity' });
    expect(!mismatch.ok && mismatch.problems).toEqual([expect.objectContaining({ path: 'kind', message: expect.stringContaining('kind_mismatch') })]);
    const camKind = approveIntoSite(smallSite(), { depotId: 'D1', type: 'camera', id: 'C9' }, { zone: 'A', kind: 'smoke' });
    expect(!camKind.ok && camKind.problems.map((p) => p.path)).toEqual(['kind']);
  });

  it('cannot approve into a depot the configuration does not have, nor a bare collector', () => {
    const a = approveIntoSite(smallSite(), { depotId: 'K999', type: 'sensor', id: 'T1', sensorKind: 'smoke' }, { zone: 'A' });
    expect(!a.ok && a.problems.map((p) => p.path)).toEqual(['key']);
    const c = approveIntoSite(smallSite(), { depotId: 'K999', type: 'collector', id: 'collector' }, { zone: 'A' });
    expect(!c.ok && c.problems[0]!.message).toContain('add the depot first');
  });
});

describe('the discovery registry', () => {
  it('keys devices so the key survives a URL, keeps the last value, and sets ignored ones aside without forgetting them', () => {
    const reg = new DiscoveryRegistry();
    reg.record({ depotId: 'D1', type: 'sensor', id: 'T9', sensorKind: 'temperature', value: 21.5, unit: 'C' }, T0);
    reg.record({ depotId: 'D1', type: 'sensor', id: 'T9', sensorKind: 'temperature', value: 22 }, T0 + 1000);
    reg.record({ depotId: 'D2', type: 'camera', id: 'C7' }, T0 + 500);
    const key = discoveredKey({ depotId: 'D1', type: 'sensor', id: 'T9' });
    expect(key).toBe('D1.sensor.T9');
    expect(encodeURIComponent(key)).toBe(key);
    expect(reg.list().map((d) => [d.key, d.messages, d.lastValue, d.unit])).toEqual([['D1.sensor.T9', 2, 22, 'C'], ['D2.camera.C7', 1, undefined, undefined]]);

    expect(reg.ignore(key, { by: 'eng', at: T0 + 2000, note: 'test bench' })).toBe(true);
    reg.record({ depotId: 'D1', type: 'sensor', id: 'T9', value: 23 }, T0 + 3000);
    expect(reg.list().map((d) => d.key)).toEqual(['D2.camera.C7']);
    expect(reg.ignored()).toEqual([expect.objectContaining({ key, messages: 3, lastValue: 23, ignored: { by: 'eng', at: T0 + 2000, note: 'test bench' } })]);
    // a copy: the caller cannot change what is held
    reg.ignored()[0]!.ignored!.note = 'changed';
    expect(reg.get(key)?.ignored?.note).toBe('test bench');

    expect(reg.unignore(key)).toBe(true);
    expect(reg.unignore(key)).toBe(false);
    expect(reg.list((d) => d === 'D1').map((d) => d.key)).toEqual([key]);
    expect(reg.remove(key)).toBe(true);
    expect(reg.get(key)).toBeUndefined();
    expect(reg.ignore('D9.sensor.nope', { by: 'x', at: 0, note: '' })).toBe(false);
  });

  it('stays bounded: past the limit new devices are only counted', () => {
    const reg = new DiscoveryRegistry(2);
    for (let i = 0; i < 5; i++) reg.record({ depotId: 'D1', type: 'sensor', id: `S${i}` }, T0 + i);
    expect(reg.list().length).toBe(2);
    expect(reg.overflow).toBe(3);
  });
});
