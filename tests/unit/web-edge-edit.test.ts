import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../../config/schema.js';
import { validateSite } from '../../web/src/lib/transforms/config-edit.js';
import {
  addEdgeCamera, addModbusDevice, addPoint, addSnmp, EDGE_SECRET_MASK, edgeSync, isKeptSecret, manageEdge, readSensors, removeAt, setPointAddress,
  setPointSensor, unmanageEdge, urlKeepsPassword,
} from '../../web/src/lib/transforms/edge-edit.js';
import { smallSite } from '../helpers/site.js';

// The Edge tab's pure edits: each step leaves a draft the server's own schema judges, and fresh rows start valid.
const host = (s: SiteConfig, j: number, h: string): SiteConfig => {
  const copy = structuredClone(s) as unknown as { depots: { edge: { modbus: { host: string }[] } }[] };
  copy.depots[0]!.edge.modbus[j]!.host = h;
  return copy as unknown as SiteConfig;
};

describe('edge device list edits', () => {
  it('a managed depot gets a device whose first point reads the next unwired sensor; its host is the one thing left to fill', () => {
    let s = manageEdge(smallSite(), 0);
    expect(s.depots[0]?.edge).toEqual({ modbus: [], snmp: [], cameras: [] });
    expect(validateSite(s)).toEqual({});
    s = addModbusDevice(s, 0);
    expect(s.depots[0]?.edge?.modbus[0]?.points).toEqual([{ sensor: 'T1', kind: 'temperature', register: 0 }]);
    expect(Object.keys(validateSite(s))).toEqual(['depots.0.edge.modbus.0.host']);
    s = host(s, 0, '10.1.1.20');
    expect(validateSite(s)).toEqual({});
    // the next point: H1 at register 1; SM1 (a contact) on coil 0
    s = addPoint(addPoint(s, 0, 0), 0, 0);
    expect(s.depots[0]?.edge?.modbus[0]?.points.slice(1)).toEqual([{ sensor: 'H1', kind: 'humidity', register: 1 }, { sensor: 'SM1', kind: 'smoke', coil: 0 }]);
    expect(validateSite(s)).toEqual({});
    expect([...readSensors(s.depots[0]?.edge)]).toEqual(['T1', 'H1', 'SM1']);
  });

  it('the kind follows the sensor picked; an address kind swaps the field; a bad register is the schema’s message', () => {
    let s = host(addModbusDevice(manageEdge(smallSite(), 0), 0), 0, '10.1.1.20');
    s = setPointSensor(s, 0, 0, 0, 'DR1');
    expect(s.depots[0]?.edge?.modbus[0]?.points[0]).toMatchObject({ sensor: 'DR1', kind: 'door' });
    s = setPointAddress(s, 0, 0, 0, 'discreteInput', 4);
    expect(s.depots[0]?.edge?.modbus[0]?.points[0]).toEqual({ sensor: 'DR1', kind: 'door', discreteInput: 4 });
    s = setPointAddress(s, 0, 0, 0, 'register', 70000);
    expect(validateSite(s)['depots.0.edge.modbus.0.points.0.register']?.message).toMatch(/65535/);
    s = setPointAddress(s, 0, 0, 0, 'register', undefined);
    expect(validateSite(s)['depots.0.edge.modbus.0.points.0']?.message).toBe('needs exactly one of register, coil, discreteInput');
    expect(removeAt(s, ['depots', 0, 'edge', 'modbus', 0, 'points'], 0).depots[0]?.edge?.modbus[0]?.points).toEqual([]);
  });

  it('a UPS names the depot’s unwired UPS sensors, a camera the next unlisted camera; unmanaging drops the lists', () => {
    let s = addSnmp(manageEdge(smallSite(), 0), 0);
    // the small site has no mains or UPS sensors: nothing to publish is the schema's complaint
    expect(validateSite(s)['depots.0.edge.snmp.0.mains']?.message).toMatch(/name at least one of mains, battery, onBattery/);
    s = addEdgeCamera(addEdgeCamera(s, 0), 0);
    expect(s.depots[0]?.edge?.cameras.map((c) => c.camera)).toEqual(['C1', 'C2']);
    expect(validateSite(s)['depots.0.edge.cameras.0.rtsp']?.message).toBe('needs rtsp or snapshot (or both)');
    expect(validateSite(s)['depots.0.edge.cameras.0.rtsp']?.code).toBe('camera_needs_source');
    expect(unmanageEdge(s, 0).depots[0]).not.toHaveProperty('edge');
  });

  it('says whether the collector caught up with what its depot was sent', () => {
    const c = (state: 'online' | 'offline' | 'unknown', configVersion: number | null, configPublished: number | null) => ({ state, configVersion, configPublished });
    expect(edgeSync(undefined)).toBe('unknown');
    expect(edgeSync(c('online', 7, 7))).toBe('caught-up');
    expect(edgeSync(c('online', 6, 7))).toBe('behind');
    expect(edgeSync(c('offline', 6, 7))).toBe('offline');
    expect(edgeSync(c('online', null, 7))).toBe('unreported');
  });

  it('tells a credential the server kept (its mask, shown as “(unchanged)”) from one typed on the board', () => {
    expect(isKeptSecret(EDGE_SECRET_MASK)).toBe(true);
    expect(isKeptSecret('public')).toBe(false);
    expect(isKeptSecret(undefined)).toBe(false);
    expect(urlKeepsPassword(`rtsp://viewer:${EDGE_SECRET_MASK}@10.0.0.20/s1`)).toBe(true);
    expect(urlKeepsPassword('rtsp://viewer:typed-pw@10.0.0.20/s1')).toBe(false);
    expect(urlKeepsPassword(undefined)).toBe(false);
  });
});
