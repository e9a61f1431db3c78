import { centreConfigSchema, type EdgeConfig } from '../config-schema.js';

export type CentreConfigResult =
  /** `devicesChanged`: false when only the version moved (the sources keep running untouched) */
  | { ok: true; config: EdgeConfig; devicesChanged: boolean }
  /** `stale`: valid, but not newer than what runs; `invalid`: refused, with the paths and reasons */
  | { ok: false; reason: 'stale' | 'invalid'; detail: string };

const lists = (c: Pick<EdgeConfig, 'modbus' | 'snmp' | 'cameras'>) => JSON.stringify([c.modbus, c.snmp, c.cameras]);

/**
 * The centre's retained `collector/config` (SPEC §11) applied over the running configuration: its device
 * lists replace the running ones when its `version` is newer; the connection settings stay the file's.
 * A message that carries no device list at all gives back the file's (`file`, the running one by default):
 * the centre has no lists for this depot, so the depot's own file is what it runs.
 * Pure; never throws, whatever the bytes.
 */
export function applyCentreConfig(current: EdgeConfig, payload: Uint8Array | string, file: EdgeConfig = current): CentreConfigResult {
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
  const carries = next.modbus !== undefined || next.snmp !== undefined || next.cameras !== undefined;
  const devices = carries ? { modbus: next.modbus ?? [], snmp: next.snmp ?? [], cameras: next.cameras ?? [] } : { modbus: file.modbus, snmp: file.snmp, cameras: file.cameras };
  return {
    ok: true,
    config: Object.freeze({ ...current, version: next.version, ...devices }),
    devicesChanged: lists(devices) !== lists(current),
  };
}
