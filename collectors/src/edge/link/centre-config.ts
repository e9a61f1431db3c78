import { centreConfigSchema, type EdgeConfig } from '../config-schema.js';

export type CentreConfigResult =
  | { ok: true; config: EdgeConfig }
  /** `stale`: valid, but not newer than what runs; `invalid`: refused, with the paths and reasons */
  | { ok: false; reason: 'stale' | 'invalid'; detail: string };

/**
 * The centre's retained `collector/config` (SPEC §11) applied over the running configuration: its device
 * lists replace the running ones when its `version` is newer; the connection settings stay the file's.
 * Pure; never throws, whatever the bytes.
 */
export function applyCentreConfig(current: EdgeConfig, payload: Uint8Array | string): CentreConfigResult {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid', detail: 'collector/config is not JSON' };
  }
  const parsed = centreConfigSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`).join('; ');
    return { ok: false, reason: 'invalid', detail };
  }
  const next = parsed.data;
  if (next.depot !== undefined && next.depot !== current.depot) {
    return { ok: false, reason: 'invalid', detail: `depot: the configuration is for ${next.depot}, this collector is ${current.depot}` };
  }
  if (next.version <= current.version) return { ok: false, reason: 'stale', detail: `version ${next.version} is not newer than ${current.version}` };
  return { ok: true, config: Object.freeze({ ...current, version: next.version, modbus: next.modbus, snmp: next.snmp, cameras: next.cameras }) };
}
