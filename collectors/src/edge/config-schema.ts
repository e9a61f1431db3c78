import { z } from 'zod';
import { idSchema } from '../../../server/src/contracts/ids.js';
import {
  cameraSourceSchema, modbusDeviceSchema, snmpDeviceSchema,
} from '../../../server/src/contracts/edge-devices.js';

export {
  cameraSourceSchema, cameraStatusSchema, modbusDeviceSchema, modbusPointSchema, snmpDeviceSchema,
  type CameraSourceConfig, type ModbusDeviceConfig, type ModbusPointConfig, type SnmpDeviceConfig,
} from '../../../server/src/contracts/edge-devices.js';

/**
 * The edge collector's configuration (SPEC §11), one YAML file checked by this one schema. The device lists
 * (modbus, snmp, cameras) can be replaced at run time by the centre's retained `collector/config`, the same
 * schema as JSON, when its `version` is newer.
 */

/** "2GB", "512MB", "64KiB" or a number of bytes */
export const byteSizeSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$/i, 'must be a size such as 2GB or 512MB').transform(parseByteSize),
]);

export function parseByteSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(s.trim());
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };
  return Math.round(Number(m?.[1]) * (units[(m?.[2] ?? '').toLowerCase()] ?? NaN));
}

export const mqttSchema = z.object({
  url: z.url({ protocol: /^(mqtts?|wss?|tcp|ssl)$/ }),
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(1024).optional(),
  /** CA file to trust for mqtts:// (PEM) */
  ca: z.string().min(1).optional(),
  /** client certificate and key (PEM) for mutual TLS */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** the persistent session's id; default `depotwatch-edge-<depot>` */
  clientId: z.string().min(1).max(128).optional(),
  /** seconds between MQTT pings: a link that silently died (a partition) is noticed after about 1.5 × this */
  keepaliveS: z.number().int().min(1).max(3600).default(15),
  /**
   * 4 (MQTT 3.1.1, the default: every broker, the embedded one included) or 5. Only over MQTT 5 does a snapshot
   * carry the user property `ts` (SPEC §3); over 3.1.1 the centre dates it on receipt.
   */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
}).strict().refine((m) => (m.cert === undefined) === (m.key === undefined), { message: 'cert and key go together', path: ['cert'] });

export const spoolSchema = z.object({
  dir: z.string().min(1),
  maxBytes: byteSizeSchema.default(2e9),
  maxAgeHours: z.number().positive().max(24 * 366).default(168),
}).strict();

export const linkSchema = z.object({
  /** the share of a weak link that replaying the backlog may take; live data always goes first */
  backfillKbps: z.number().positive().max(1_000_000).default(32),
  /** how often the retained collector status is refreshed (it is also sent on connect and when the backlog is cleared) */
  statusEveryS: z.number().positive().max(3600).default(60),
}).strict();

export const edgeConfigSchema = z.object({
  depot: idSchema,
  /** the version of the device lists; the centre's retained collector/config replaces them when newer */
  version: z.number().int().min(0).default(0),
  mqtt: mqttSchema,
  spool: spoolSchema,
  link: linkSchema.prefault({}),
  modbus: z.array(modbusDeviceSchema).default([]),
  snmp: z.array(snmpDeviceSchema).default([]),
  cameras: z.array(cameraSourceSchema).default([]),
}).strict();

export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

/**
 * The centre's retained `collector/config`: the same schema as JSON, with the device lists and a `version`
 * (required, the edge applies it only when newer than what it runs). The connection settings (mqtt, spool,
 * link) belong to the depot's own file: the centre may send them, but they are ignored, so a mistake at the
 * centre can never cut a depot off. A message without any device list (a depot the site configuration gives
 * no `edge` lists) leaves the file's lists running and only moves the version; one with some lists replaces
 * all three (a list it leaves out is empty).
 */
export const centreConfigSchema = z.object({
  depot: idSchema.optional(),
  version: z.number().int().min(1),
  mqtt: z.unknown().optional(),
  spool: z.unknown().optional(),
  link: z.unknown().optional(),
  modbus: z.array(modbusDeviceSchema).optional(),
  snmp: z.array(snmpDeviceSchema).optional(),
  cameras: z.array(cameraSourceSchema).optional(),
}).strict();
export type CentreConfig = z.infer<typeof centreConfigSchema>;
