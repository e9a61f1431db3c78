import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modbusDeviceSchema } from '../../collectors/src/edge/config-schema.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import { createModbusSource } from '../../collectors/src/edge/sources/modbus.js';
import { capturingLogger, collect, median, sleep } from '../helpers/edge.js';
import { startModbusDevice, type ModbusTestDevice } from '../helpers/modbus-server.js';

// A real Modbus TCP conversation with modbus-serial's own server on an ephemeral port.

let dev: ModbusTestDevice;
beforeAll(async () => { dev = await startModbusDevice(); });
afterAll(async () => { await dev.stop(); });

const sensors = (rs: readonly EdgeReading[], id: string) => rs.filter((r) => r.type === 'sensor' && r.sensorId === id);
const valueOf = (r: EdgeReading | undefined) => (r?.type === 'sensor' ? r.payload.value : undefined);

function deviceConfig(extra: Record<string, unknown> = {}) {
  return modbusDeviceSchema.parse({
    host: '127.0.0.1', port: dev.port, unitId: 1, everyS: 0.2, timeoutMs: 300,
    points: [
      { sensor: 'A-T1', kind: 'temperature', register: 0, type: 'int16', scale: 0.1 },
      { sensor: 'A-H1', kind: 'humidity', register: 2, type: 'float32', byteOrder: 'CDAB' },
      { sensor: 'A-G1', kind: 'gas', register: 10, table: 'input', type: 'uint32', scale: 0.001 },
      { sensor: 'A-D1', kind: 'door', coil: 3 },
      { sensor: 'A-F1', kind: 'fence', discreteInput: 5, invert: true },
    ],
    ...extra,
  });
}

describe('Modbus TCP source', () => {
  it('reads every point type with scale, byte order and inversion, in one request per table', async () => {
    dev.holding.set(0, 0xfff6); // -1.0 °C as int16 × 0.1
    // 65.5 %RH as float32 0x42830000, low word first
    dev.holding.set(2, 0x0000).set(3, 0x4283);
    dev.input.set(10, 0x0001).set(11, 0x86a0); // 100000 × 0.001 = 100 %LEL
    dev.coils.set(3, true);
    dev.discrete.set(5, true); // normally closed: true = closed = 0
    const { logger, lines } = capturingLogger();
    const source = createModbusSource(deviceConfig(), { logger });
    const before = Date.now();
    const holdingBefore = dev.requests.holding;
    const inputBefore = dev.requests.input;
    const c = collect(source);
    await c.waitFor((rs) => sensors(rs, 'A-F1').length >= 3, 5000, 'three polls');
    await source.stop();
    const after = Date.now();

    const first = c.readings.slice(0, 5);
    expect(first.map((r) => (r.type === 'sensor' ? [r.sensorId, r.payload.kind, r.payload.value, r.payload.unit] : []))).toEqual([
      ['A-T1', 'temperature', -1, 'C'], ['A-H1', 'humidity', 65.5, '%RH'], ['A-G1', 'gas', 100, '%LEL'], ['A-D1', 'door', 1, undefined], ['A-F1', 'fence', 0, undefined],
    ]);
    for (const r of c.readings) {
      expect(r.payload.ts).toBeGreaterThanOrEqual(before);
      expect(r.payload.ts).toBeLessThanOrEqual(after);
    }
    const polls = sensors(c.readings, 'A-F1').length;
    // holding 0–3 in one request, input 10–11 in one (the coil and discrete reads are not counted by the device)
    expect(dev.requests.holding - holdingBefore).toBe(polls);
    expect(dev.requests.input - inputBefore).toBe(polls);
    const pollMs = lines.filter((l) => l.msg === 'poll done').map((l) => Number(l.ms));
    console.log(`modbus poll latency (4 requests, loopback): median ${median(pollMs)} ms over ${pollMs.length} polls`);
  });

  it('emits nothing while the device hangs, logs the outage once, and recovers', async () => {
    dev.holding.set(0, 200);
    const { logger, lines } = capturingLogger();
    const source = createModbusSource(deviceConfig(), { logger, maxBackoffMs: 400 });
    const c = collect(source);
    await c.waitFor((rs) => sensors(rs, 'A-T1').length >= 1);
    dev.hang = true;
    await sleep(400); // a poll in flight when the device hung may still land; after the timeout nothing does
    const during = c.readings.length;
    await sleep(1500);
    expect(c.readings.length).toBe(during);
    const warnings = lines.filter((l) => l.msg?.toString().startsWith('device not answering'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.reason)).toMatch(/timed out|no answer/i);

    dev.holding.set(0, 215);
    dev.hang = false;
    await c.waitFor((rs) => valueOf(sensors(rs, 'A-T1').at(-1)) === 21.5, 5000, 'recovery');
    expect(lines.some((l) => l.msg === 'device answering again')).toBe(true);
    await source.stop();
  });

  it('emits nothing while the device is off the network and reconnects when it is back', async () => {
    const { logger, lines } = capturingLogger();
    const source = createModbusSource(deviceConfig(), { logger, maxBackoffMs: 400 });
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 5);
    await dev.stop();
    await sleep(300);
    const during = c.readings.length;
    await sleep(1200);
    expect(c.readings.length).toBe(during);
    expect(lines.filter((l) => l.msg?.toString().startsWith('device not answering'))).toHaveLength(1);

    dev.holding.set(0, 230);
    await dev.start();
    await c.waitFor((rs) => valueOf(sensors(rs, 'A-T1').at(-1)) === 23, 5000, 'reconnection');
    await source.stop();
  });

  it('drops only the points of a read the device refuses, and says why once', async () => {
    dev.refuse.add(0);
    const { logger, lines } = capturingLogger();
    const source = createModbusSource(deviceConfig(), { logger });
    const c = collect(source);
    await c.waitFor((rs) => sensors(rs, 'A-G1').length >= 3);
    await source.stop();
    dev.refuse.clear();
    expect(sensors(c.readings, 'A-T1')).toHaveLength(0);
    expect(sensors(c.readings, 'A-D1').length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.msg === 'device refused a read; check the configured addresses')).toHaveLength(1);
    expect(lines.some((l) => l.msg?.toString().startsWith('device not answering'))).toBe(false);
  });
});
