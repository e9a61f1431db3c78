import { describe, expect, it } from 'vitest';
import { pointToLine, toLineProtocol } from '../../server/src/adapters/influx/line-protocol.js';
import type { TelemetryPoint } from '../../server/src/contracts/telemetry.js';

const TS = 1763790000000;

function sensor(overrides: Partial<{ depot: string; zone: string; sensor: string; value: number; ts: number }> = {}): TelemetryPoint {
  return {
    measurement: 'sensor',
    tags: { depot: overrides.depot ?? 'D01', zone: overrides.zone ?? 'storeA', sensor: overrides.sensor ?? 't1', kind: 'temperature' },
    fields: { value: overrides.value ?? 23.4 },
    ts: overrides.ts ?? TS,
  };
}

describe('toLineProtocol', () => {
  it('writes a sensor point with tags in sorted key order and a float value', () => {
    expect(pointToLine(sensor())).toBe(`sensor,depot=D01,kind=temperature,sensor=t1,zone=storeA value=23.4 ${TS}`);
  });

  it('never writes an integral float with the integer suffix', () => {
    const line = pointToLine(sensor({ value: 23 }));
    expect(line).toContain(' value=23 ');
    expect(line).not.toMatch(/value=23i/);
  });

  it('writes extreme floats in a form InfluxDB parses as float', () => {
    expect(pointToLine(sensor({ value: 1e21 }))).toContain(' value=1e+21 ');
    expect(pointToLine(sensor({ value: 1e-7 }))).toContain(' value=1e-7 ');
    expect(pointToLine(sensor({ value: -0.5 }))).toContain(' value=-0.5 ');
  });

  it('escapes commas, spaces and equals signs in tag values', () => {
    expect(pointToLine(sensor({ zone: 'Store B, north=1' })))
      .toBe(`sensor,depot=D01,kind=temperature,sensor=t1,zone=Store\\ B\\,\\ north\\=1 value=23.4 ${TS}`);
  });

  it('keeps other backslashes literal, as InfluxDB 1.x does not unescape them', () => {
    expect(pointToLine(sensor({ zone: 'a\\b' }))).toContain(',zone=a\\b ');
  });

  it('omits empty tag values, which InfluxDB rejects and treats as absent', () => {
    expect(pointToLine(sensor({ zone: '' }))).toBe(`sensor,depot=D01,kind=temperature,sensor=t1 value=23.4 ${TS}`);
  });

  it('refuses what line protocol cannot carry', () => {
    expect(() => pointToLine(sensor({ zone: 'a\nb' }))).toThrow(RangeError);
    expect(() => pointToLine(sensor({ zone: 'ends\\' }))).toThrow(RangeError);
    expect(() => pointToLine(sensor({ value: Number.NaN }))).toThrow(RangeError);
    expect(() => pointToLine(sensor({ value: Number.POSITIVE_INFINITY }))).toThrow(RangeError);
    expect(() => pointToLine(sensor({ ts: Number.NaN }))).toThrow(RangeError);
  });

  it('floors sub-millisecond timestamps so a replay keeps its key', () => {
    expect(pointToLine(sensor({ ts: TS + 0.7 }))).toMatch(new RegExp(` ${TS}$`));
  });

  it('writes camera booleans as true/false and omits undefined fields', () => {
    const point: TelemetryPoint = {
      measurement: 'camera',
      tags: { depot: 'D01', zone: 'gate', camera: 'cam-1' },
      fields: { online: true, recording: false, fps: 25, packet_loss_pct: 0.2 },
      ts: TS,
    };
    expect(pointToLine(point)).toBe(`camera,camera=cam-1,depot=D01,zone=gate online=true,recording=false,fps=25,packet_loss_pct=0.2 ${TS}`);
  });

  it('writes every camera field under its SPEC §4 name', () => {
    const point: TelemetryPoint = {
      measurement: 'camera',
      tags: { depot: 'D01', zone: 'gate', camera: 'cam-1' },
      fields: {
        online: false, recording: true, tamper: true, video_loss: false,
        fps: 12.5, bitrate_kbps: 4096, packet_loss_pct: 0, storage_free_pct: 61,
      },
      ts: TS,
    };
    expect(pointToLine(point)).toBe(
      `camera,camera=cam-1,depot=D01,zone=gate online=false,recording=true,tamper=true,video_loss=false,`
      + `fps=12.5,bitrate_kbps=4096,packet_loss_pct=0,storage_free_pct=61 ${TS}`,
    );
  });

  it('writes the collector spooled count as an integer field', () => {
    const point: TelemetryPoint = { measurement: 'collector', tags: { depot: 'D01' }, fields: { online: true, spooled: 12 }, ts: TS };
    expect(pointToLine(point)).toBe(`collector,depot=D01 online=true,spooled=12i ${TS}`);
    expect(() => pointToLine({ ...point, fields: { online: true, spooled: 1.5 } })).toThrow(RangeError);
  });

  it('joins points with newlines and no trailing newline', () => {
    const text = toLineProtocol([sensor({ sensor: 'a' }), sensor({ sensor: 'b' })]);
    expect(text.split('\n')).toHaveLength(2);
    expect(text.endsWith('\n')).toBe(false);
    expect(toLineProtocol([])).toBe('');
  });
});
