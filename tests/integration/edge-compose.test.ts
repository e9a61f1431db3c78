import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEdgeConfig } from '../../collectors/src/edge/config-loader.js';
import { startEdge } from '../../collectors/src/edge/edge.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import type { ReadingSink } from '../../collectors/src/edge/sink.js';
import { capturingLogger, sleep } from '../helpers/edge.js';
import { startModbusDevice, type ModbusTestDevice } from '../helpers/modbus-server.js';

// The edge composed in-process onto a sink, as main.ts does, and its device lists replaced at run time
// (what the centre's newer collector/config asks for).

let dev: ModbusTestDevice;
beforeAll(async () => { dev = await startModbusDevice(); });
afterAll(async () => { await dev.stop(); });

function memorySink(): ReadingSink & { readings: EdgeReading[]; started: boolean; stopped: boolean } {
  const sink = {
    readings: [] as EdgeReading[], started: false, stopped: false,
    start: async () => { sink.started = true; },
    publish: (r: EdgeReading) => { sink.readings.push(r); },
    stop: async () => { sink.stopped = true; },
  };
  return sink;
}

const config = (version: number, sensor: string, register: number) => checkEdgeConfig({
  depot: 'K101', version, mqtt: { url: 'mqtt://127.0.0.1:1' }, spool: { dir: '/tmp/unused' },
  modbus: [{ host: '127.0.0.1', port: dev.port, everyS: 0.1, timeoutMs: 300, points: [{ sensor, kind: 'temperature', register }] }],
}, 'test');

describe('edge composition', () => {
  it('feeds every source into the sink and swaps the device lists without a restart', async () => {
    dev.holding.set(0, 21).set(1, 35);
    const sink = memorySink();
    const edge = await startEdge(config(1, 'A-T1', 0), sink, { logger: capturingLogger().logger });
    expect(sink.started).toBe(true);
    const ids = () => new Set(sink.readings.map((r) => (r.type === 'sensor' ? r.sensorId : r.cameraId)));
    while (!ids().has('A-T1')) await sleep(20);
    await edge.replaceSources(config(2, 'B-T1', 1));
    const cut = sink.readings.length;
    while (!ids().has('B-T1')) await sleep(20);
    await sleep(300);
    const after = sink.readings.slice(cut);
    expect(after.every((r) => r.type === 'sensor' && r.sensorId === 'B-T1' && r.payload.value === 35)).toBe(true);
    expect(edge.sources().map((s) => s.name)).toEqual([`modbus 127.0.0.1:${dev.port}#1`]);
    await edge.stop();
    expect(sink.stopped).toBe(true);
    const n = sink.readings.length;
    await sleep(300);
    expect(sink.readings.length).toBe(n);
  });
});
