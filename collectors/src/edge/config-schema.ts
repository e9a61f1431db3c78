import { z } from 'zod';
import { idSchema } from '../../../server/src/contracts/ids.js';
import { sensorKindSchema } from '../../../server/src/contracts/telemetry.js';

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

const hostSchema = z.string().min(1).max(253);
const everySSchema = z.number().positive().max(86_400);

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

export const modbusPointSchema = z.object({
  sensor: idSchema,
  kind: sensorKindSchema,
  /** a 16-bit register address (holding by default), or a coil / discrete input (0/1 values) */
  register: z.number().int().min(0).max(65535).optional(),
  table: z.enum(['holding', 'input']).default('holding'),
  coil: z.number().int().min(0).max(65535).optional(),
  discreteInput: z.number().int().min(0).max(65535).optional(),
  type: z.enum(['int16', 'uint16', 'int32', 'uint32', 'float32']).default('uint16'),
  /** value = raw × scale + offset */
  scale: z.number().default(1),
  offset: z.number().default(0),
  /** for 32-bit values: the order of the two registers and of the bytes in each (ABCD is big-endian) */
  byteOrder: z.enum(['ABCD', 'CDAB', 'BADC', 'DCBA']).default('ABCD'),
  /** for coils and discrete inputs: report 1 when the bit is 0 (a normally-closed contact) */
  invert: z.boolean().default(false),
  /** the zone (site configuration's zone id) the point watches: its door, motion, fence or smoke alarm takes the zone's camera snapshots */
  zone: idSchema.optional(),
}).strict().refine((p) => [p.register, p.coil, p.discreteInput].filter((v) => v !== undefined).length === 1, {
  message: 'needs exactly one of register, coil, discreteInput',
});

export const modbusDeviceSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(502),
  unitId: z.number().int().min(0).max(255).default(1),
  everyS: everySSchema.default(10),
  timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** unused addresses one read request may span to join two points; 0 for devices that refuse unmapped reads */
  maxGap: z.number().int().min(0).max(100).default(16),
  points: z.array(modbusPointSchema).min(1),
}).strict();

export const snmpDeviceSchema = z.object({
  host: hostSchema,
  port: z.number().int().min(1).max(65535).default(161),
  version: z.enum(['2c', '3']).default('2c'),
  community: z.string().min(1).max(256).optional(),
  /** SNMP v3 user (USM) */
  user: z.object({
    name: z.string().min(1).max(64),
    level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha'),
    authKey: z.string().min(8).optional(),
    privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).default('aes'),
    privKey: z.string().min(8).optional(),
  }).strict()
    .refine((u) => u.level === 'noAuthNoPriv' || u.authKey !== undefined, { message: 'authNoPriv and authPriv need authKey', path: ['authKey'] })
    .refine((u) => u.level !== 'authPriv' || u.privKey !== undefined, { message: 'authPriv needs privKey', path: ['privKey'] })
    .optional(),
  everyS: everySSchema.default(30),
  timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** sensor ids the UPS-MIB values are published as */
  mains: idSchema.optional(),
  battery: idSchema.optional(),
  onBattery: idSchema.optional(),
}).strict().refine((d) => (d.version === '2c' ? d.community !== undefined : d.user !== undefined), {
  message: 'SNMP v2c needs community; v3 needs user', path: ['version'],
}).refine((d) => d.mains !== undefined || d.battery !== undefined || d.onBattery !== undefined, {
  message: 'name at least one of mains, battery, onBattery (the sensor ids to publish)', path: ['mains'],
});

/** a flag in a status document: a path to a boolean-like value, or a path and the value that means true */
const flagRefSchema = z.union([
  z.string().min(1).max(200),
  z.object({ path: z.string().min(1).max(200), equals: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
]);

/** where the camera or its NVR tells tamper, recording and storage: an HTTP JSON document and paths into it */
export const cameraStatusSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  tamper: flagRefSchema.optional(),
  recording: flagRefSchema.optional(),
  storageFreePct: z.string().min(1).max(200).optional(),
}).strict().refine((s) => s.tamper !== undefined || s.recording !== undefined || s.storageFreePct !== undefined, {
  message: 'map at least one of tamper, recording, storageFreePct', path: ['url'],
});

export const cameraSourceSchema = z.object({
  camera: idSchema,
  rtsp: z.url({ protocol: /^rtsps?$/ }).optional(),
  snapshot: z.url({ protocol: /^https?$/ }).optional(),
  status: cameraStatusSchema.optional(),
  everyS: everySSchema.default(30),
  /** RTP over the RTSP connection (tcp, robust through firewalls) or over UDP */
  rtspTransport: z.enum(['tcp', 'udp']).default('tcp'),
  /** seconds of stream each check watches */
  sampleS: z.number().min(1).max(30).default(4),
  /** a picture unchanged this long while frames flow is frozen (video loss) */
  freezeS: z.number().min(0.5).max(30).default(2),
  /** freezedetect's tolerance: frames differing less than this (dB) are the same picture */
  freezeNoiseDb: z.number().min(-90).max(-20).default(-60),
  /** for connecting and each read, RTSP and HTTP alike */
  timeoutMs: z.number().int().min(500).max(60_000).default(5000),
  /** the zone the camera watches (site configuration's zone id): an alarm-relevant change there takes its snapshot */
  zone: idSchema.optional(),
  /** at most one snapshot per this many seconds from state changes (a flapping door must not send 100 pictures) */
  snapshotMinS: z.number().min(1).max(3600).default(30),
}).strict().refine((c) => c.rtsp !== undefined || c.snapshot !== undefined, {
  message: 'needs rtsp or snapshot (or both)', path: ['rtsp'],
}).refine((c) => c.freezeS < c.sampleS, { message: 'freezeS must be shorter than sampleS', path: ['freezeS'] });

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
 * centre can never cut a depot off.
 */
export const centreConfigSchema = z.object({
  depot: idSchema.optional(),
  version: z.number().int().min(1),
  mqtt: z.unknown().optional(),
  spool: z.unknown().optional(),
  link: z.unknown().optional(),
  modbus: z.array(modbusDeviceSchema).default([]),
  snmp: z.array(snmpDeviceSchema).default([]),
  cameras: z.array(cameraSourceSchema).default([]),
}).strict();
export type CentreConfig = z.infer<typeof centreConfigSchema>;
export type ModbusDeviceConfig = z.infer<typeof modbusDeviceSchema>;
export type ModbusPointConfig = z.infer<typeof modbusPointSchema>;
export type SnmpDeviceConfig = z.infer<typeof snmpDeviceSchema>;
export type CameraSourceConfig = z.infer<typeof cameraSourceSchema>;
