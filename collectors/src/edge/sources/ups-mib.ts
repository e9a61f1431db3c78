import type { EdgeReading } from '../reading.js';

/**
 * The UPS-MIB (RFC 1628) objects the edge reads, and how they become SPEC §3 readings. Pure.
 *
 * On battery: upsOutputSource (§ upsOutput) says where the output comes from: other(1), none(2), normal(3),
 * bypass(4), battery(5), booster(6), reducer(7); booster and reducer are the mains corrected by the UPS, so
 * only battery(5) is "on battery". Where a UPS reports other(1)/none(2) or lacks the object,
 * upsSecondsOnBattery answers instead: RFC 1628 defines it as zero "if the unit is not on battery power".
 */

export const UPS_OIDS = {
  /** upsInputVoltage of input line 1 (upsInputTable), RMS volts */
  inputVoltage: '1.3.6.1.2.1.33.1.3.3.1.3.1',
  /** upsEstimatedChargeRemaining, percent 0–100 */
  chargeRemaining: '1.3.6.1.2.1.33.1.2.4.0',
  /** upsOutputSource, an enumeration (above) */
  outputSource: '1.3.6.1.2.1.33.1.4.1.0',
  /** upsSecondsOnBattery, seconds, 0 when on mains */
  secondsOnBattery: '1.3.6.1.2.1.33.1.2.2.0',
} as const;

export type UpsObject = keyof typeof UPS_OIDS;
export type UpsValues = Partial<Record<UpsObject, number>>;

const OUTPUT_SOURCE_BATTERY = 5;
const OUTPUT_SOURCE_ON_MAINS: ReadonlySet<number> = new Set([3, 4, 6, 7]);

/** 1 on battery, 0 on mains, undefined when the UPS says neither */
export function onBattery(v: UpsValues): 0 | 1 | undefined {
  if (v.outputSource === OUTPUT_SOURCE_BATTERY) return 1;
  if (v.outputSource !== undefined && OUTPUT_SOURCE_ON_MAINS.has(v.outputSource)) return 0;
  if (v.secondsOnBattery !== undefined) return v.secondsOnBattery > 0 ? 1 : 0;
  return undefined;
}

export interface UpsSensorIds { mains?: string; battery?: string; onBattery?: string }

/** The readings one poll yields: only for the sensors configured and the values the UPS gave. */
export function upsReadings(v: UpsValues, ids: UpsSensorIds, ts: number): EdgeReading[] {
  const out: EdgeReading[] = [];
  if (ids.mains !== undefined && v.inputVoltage !== undefined) {
    out.push({ type: 'sensor', sensorId: ids.mains, payload: { ts, kind: 'mains', value: v.inputVoltage, unit: 'V' } });
  }
  if (ids.battery !== undefined && v.chargeRemaining !== undefined) {
    out.push({ type: 'sensor', sensorId: ids.battery, payload: { ts, kind: 'ups_battery', value: v.chargeRemaining, unit: '%' } });
  }
  const ob = onBattery(v);
  if (ids.onBattery !== undefined && ob !== undefined) {
    out.push({ type: 'sensor', sensorId: ids.onBattery, payload: { ts, kind: 'ups_on_battery', value: ob } });
  }
  return out;
}

/** the objects a poll must ask for, given which sensors are configured */
export function objectsFor(ids: UpsSensorIds): UpsObject[] {
  return [
    ...(ids.mains !== undefined ? ['inputVoltage' as const] : []),
    ...(ids.battery !== undefined ? ['chargeRemaining' as const] : []),
    ...(ids.onBattery !== undefined ? ['outputSource' as const, 'secondsOnBattery' as const] : []),
  ];
}
