import { z } from 'zod';
import { idSchema } from './ids.js';
import { sensorKindSchema } from './telemetry.js';

/**
 * The device lists of a depot's edge collector (SPEC §11): Modbus TCP devices with their points, UPS over SNMP
 * and cameras. One schema for both wires that carry them: the edge's own YAML file
 * (collectors/src/edge/config-schema.ts) and the site configuration (config/schema.ts, `depots[].edge`), which
 * the centre sends to the edge as its retained `collector/config`. The field names are SPEC §11's.
 */

/**
 * What the board and every export see in place of an SNMP community, an SNMPv3 authKey/privKey and the password
 * of a camera URL (server/src/domain/secrets.ts); sent back, it keeps the stored value. It passes the schema on
 * purpose (1-256 characters, at least 8 for a v3 key, legal in a URL's userinfo), so the board checks a masked
 * configuration with the server's own schema. Here rather than in domain/ because the board shows it.
 */
export const EDGE_SECRET_MASK = '$edge$hidden';

export const hostSchema = z.string().min(1).max(253);
export const everySSchema = z.number().positive().max(86_400);

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
  // the code the board phrases (config/problems.ts)
  params: { code: 'one_point_source' },
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
    .refine((u) => u.level === 'noAuthNoPriv' || u.authKey !== undefined, { message: 'authNoPriv and authPriv need authKey', path: ['authKey'], params: { code: 'snmp_needs_auth_key' } })
    .refine((u) => u.level !== 'authPriv' || u.privKey !== undefined, { message: 'authPriv needs privKey', path: ['privKey'], params: { code: 'snmp_needs_priv_key' } })
    .optional(),
  everyS: everySSchema.default(30),
  timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  /** sensor ids the UPS-MIB values are published as */
  mains: idSchema.optional(),
  battery: idSchema.optional(),
  onBattery: idSchema.optional(),
}).strict().refine((d) => (d.version === '2c' ? d.community !== undefined : d.user !== undefined), {
  message: 'SNMP v2c needs community; v3 needs user', path: ['version'], params: { code: 'snmp_needs_credentials' },
}).refine((d) => d.mains !== undefined || d.battery !== undefined || d.onBattery !== undefined, {
  message: 'name at least one of mains, battery, onBattery (the sensor ids to publish)', path: ['mains'], params: { code: 'snmp_needs_sensor' },
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
  message: 'map at least one of tamper, recording, storageFreePct', path: ['url'], params: { code: 'camera_api_needs_field' },
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
  message: 'needs rtsp or snapshot (or both)', path: ['rtsp'], params: { code: 'camera_needs_source' },
}).refine((c) => c.freezeS < c.sampleS, { message: 'freezeS must be shorter than sampleS', path: ['freezeS'], params: { code: 'freeze_not_shorter' } });

/** a depot's edge device lists, as the site configuration holds them and `collector/config` carries them */
export const edgeDeviceListsSchema = z.object({
  modbus: z.array(modbusDeviceSchema).default([]),
  snmp: z.array(snmpDeviceSchema).default([]),
  cameras: z.array(cameraSourceSchema).default([]),
}).strict();

export type EdgeDeviceLists = z.infer<typeof edgeDeviceListsSchema>;
export type ModbusDeviceConfig = z.infer<typeof modbusDeviceSchema>;
export type ModbusPointConfig = z.infer<typeof modbusPointSchema>;
export type SnmpDeviceConfig = z.infer<typeof snmpDeviceSchema>;
export type CameraSourceConfig = z.infer<typeof cameraSourceSchema>;

/**
 * The retained `collector/config` the centre publishes for a depot: the version its part last changed in, and
 * the device lists when the site configuration gives the depot some (without them the edge keeps its file's).
 */
export interface CollectorConfigMessage { version: number; modbus?: ModbusDeviceConfig[]; snmp?: SnmpDeviceConfig[]; cameras?: CameraSourceConfig[] }
