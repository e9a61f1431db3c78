import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snmpDeviceSchema } from '../../collectors/src/edge/config-schema.js';
import type { EdgeReading } from '../../collectors/src/edge/reading.js';
import { createSnmpSource } from '../../collectors/src/edge/sources/snmp.js';
import { capturingLogger, collect, median, sleep } from '../helpers/edge.js';
import { startUpsAgent, TEST_COMMUNITY, TEST_USER, type UpsTestAgent } from '../helpers/snmp-agent.js';

// A real SNMP conversation (UDP, v2c and v3 USM with SHA/AES) with net-snmp's own agent serving the UPS-MIB.

let ups: UpsTestAgent;
beforeAll(async () => { ups = await startUpsAgent({ inputVoltage: 229, chargeRemaining: 100, outputSource: 3, secondsOnBattery: 0 }); });
afterAll(async () => { await ups.stop(); });

const last = (rs: readonly EdgeReading[], id: string) => rs.filter((r) => r.type === 'sensor' && r.sensorId === id).at(-1);
const valueOf = (r: EdgeReading | undefined) => (r?.type === 'sensor' ? r.payload.value : undefined);
const ids = { mains: 'E-V1', battery: 'E-UPS1', onBattery: 'E-UPS2' };

describe('SNMP UPS source', () => {
  it('v2c: reads input voltage, charge and on-battery, and follows a switch to battery', async () => {
    const { logger, lines } = capturingLogger();
    const source = createSnmpSource(snmpDeviceSchema.parse({ host: '127.0.0.1', port: ups.port, community: TEST_COMMUNITY, everyS: 0.2, timeoutMs: 300, ...ids }), { logger });
    const before = Date.now();
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 3);
    expect(c.readings.slice(0, 3).map((r) => (r.type === 'sensor' ? [r.sensorId, r.payload.kind, r.payload.value, r.payload.unit] : []))).toEqual([
      ['E-V1', 'mains', 229, 'V'], ['E-UPS1', 'ups_battery', 100, '%'], ['E-UPS2', 'ups_on_battery', 0, undefined],
    ]);
    ups.set({ inputVoltage: 0, chargeRemaining: 87, outputSource: 5, secondsOnBattery: 3 });
    await c.waitFor((rs) => valueOf(last(rs, 'E-UPS2')) === 1, 5000, 'on battery');
    await source.stop();
    expect(valueOf(last(c.readings, 'E-V1'))).toBe(0);
    expect(valueOf(last(c.readings, 'E-UPS1'))).toBe(87);
    for (const r of c.readings) expect(r.payload.ts).toBeGreaterThanOrEqual(before);
    for (const r of c.readings) expect(r.payload.ts).toBeLessThanOrEqual(Date.now());
    ups.set({ inputVoltage: 229, chargeRemaining: 100, outputSource: 3, secondsOnBattery: 0 });
    const ms = lines.filter((l) => l.msg === 'poll done').map((l) => Number(l.ms));
    console.log(`snmp v2c poll latency (1 GET, 4 objects, loopback): median ${median(ms)} ms over ${ms.length} polls`);
  });

  it('v3 authPriv (SHA/AES): reads the UPS; a wrong key reads nothing and says why', async () => {
    const { logger, lines } = capturingLogger();
    const user = { name: TEST_USER.name, level: 'authPriv', authProtocol: 'sha', authKey: TEST_USER.authKey, privProtocol: 'aes', privKey: TEST_USER.privKey };
    const source = createSnmpSource(snmpDeviceSchema.parse({ host: '127.0.0.1', port: ups.port, version: '3', user, everyS: 0.2, timeoutMs: 300, ...ids }), { logger });
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 6);
    await source.stop();
    expect(valueOf(last(c.readings, 'E-V1'))).toBe(229);
    const ms = lines.filter((l) => l.msg === 'poll done').map((l) => Number(l.ms));
    console.log(`snmp v3 authPriv poll latency: median ${median(ms)} ms over ${ms.length} polls (first poll includes engine discovery)`);

    const bad = capturingLogger();
    const wrong = createSnmpSource(snmpDeviceSchema.parse({ host: '127.0.0.1', port: ups.port, version: '3', user: { ...user, authKey: 'not-the-key' }, everyS: 0.2, timeoutMs: 300, ...ids }), { logger: bad.logger });
    const w = collect(wrong);
    await sleep(1200);
    await wrong.stop();
    expect(w.readings).toHaveLength(0);
    const warn = bad.lines.filter((l) => l.msg?.toString().startsWith('device not answering'));
    expect(warn).toHaveLength(1);
    console.log(`snmp v3 wrong key: ${String(warn[0]?.reason)}`);
  });

  it('emits nothing while the UPS is silent, logs it once, and recovers', async () => {
    const { logger, lines } = capturingLogger();
    const source = createSnmpSource(snmpDeviceSchema.parse({ host: '127.0.0.1', port: ups.port, community: TEST_COMMUNITY, everyS: 0.2, timeoutMs: 200, battery: 'E-UPS1' }), { logger });
    const c = collect(source);
    await c.waitFor((rs) => rs.length >= 1);
    await ups.stop();
    await sleep(300);
    const during = c.readings.length;
    await sleep(1500);
    expect(c.readings.length).toBe(during);
    expect(lines.filter((l) => l.msg?.toString().startsWith('device not answering'))).toHaveLength(1);
    ups.set({ chargeRemaining: 64 });
    ups.start();
    await c.waitFor((rs) => valueOf(last(rs, 'E-UPS1')) === 64, 5000, 'recovery');
    expect(lines.some((l) => l.msg === 'device answering again')).toBe(true);
    await source.stop();
  });
});
