import { describe, expect, it } from 'vitest';
import { objectsFor, onBattery, upsReadings } from '../../collectors/src/edge/sources/ups-mib.js';

describe('UPS-MIB mapping (RFC 1628)', () => {
  it.each([
    [{ outputSource: 5 }, 1], [{ outputSource: 3 }, 0], [{ outputSource: 4 }, 0], [{ outputSource: 6 }, 0], [{ outputSource: 7 }, 0],
    // other(1) / none(2) / absent: upsSecondsOnBattery decides, zero meaning "not on battery"
    [{ outputSource: 1, secondsOnBattery: 12 }, 1], [{ outputSource: 2, secondsOnBattery: 0 }, 0],
    [{ secondsOnBattery: 40 }, 1], [{ secondsOnBattery: 0 }, 0],
    [{ outputSource: 5, secondsOnBattery: 0 }, 1], [{ outputSource: 1 }, undefined], [{}, undefined],
  ] as const)('on battery from %j is %s', (values, expected) => {
    expect(onBattery(values)).toBe(expected);
  });

  it('publishes the configured sensors with their SPEC kinds and units', () => {
    const rs = upsReadings({ inputVoltage: 0, chargeRemaining: 87, outputSource: 5 }, { mains: 'E-V1', battery: 'E-UPS1', onBattery: 'E-UPS2' }, 1000);
    expect(rs).toEqual([
      { type: 'sensor', sensorId: 'E-V1', payload: { ts: 1000, kind: 'mains', value: 0, unit: 'V' } },
      { type: 'sensor', sensorId: 'E-UPS1', payload: { ts: 1000, kind: 'ups_battery', value: 87, unit: '%' } },
      { type: 'sensor', sensorId: 'E-UPS2', payload: { ts: 1000, kind: 'ups_on_battery', value: 1 } },
    ]);
  });

  it('publishes nothing it was not given and asks only for what is configured', () => {
    expect(upsReadings({ chargeRemaining: 50 }, { mains: 'V', onBattery: 'B' }, 1)).toEqual([]);
    expect(objectsFor({ battery: 'X' })).toEqual(['chargeRemaining']);
    expect(objectsFor({ mains: 'V', onBattery: 'B' })).toEqual(['inputVoltage', 'outputSource', 'secondsOnBattery']);
  });
});
