import { z } from 'zod';
import { edgeDeviceListsSchema, type EdgeDeviceLists } from '../server/src/contracts/edge-devices.js';
import { idSchema } from '../server/src/contracts/ids.js';
import { sensorKindSchema } from '../server/src/contracts/telemetry.js';
import { echelonProblems } from '../server/src/domain/echelons.js';
import { isTimeZone } from '../server/src/domain/recurrence.js';
import { custom, FORMATS, type ProblemParams } from './problems.js';

/**
 * The site configuration (SPEC §9): regions, depots, zones, sensors, cameras and the rules that
 * turn readings into conditions and readiness. Every `config/*.yaml` file holds a part of it; the
 * loader merges the parts and checks the whole against this one schema.
 */

const nameSchema = z.string().min(1).max(120);
/** "HH:MM-HH:MM" local time; a range may cross midnight ("22:00-06:00"). */
const timeRangeSchema = z.string().regex(FORMATS.time_range, 'must look like 07:30-17:00');

export const DEPOT_TYPES = ['ammunition', 'fuel', 'equipment'] as const;
export const ZONE_TYPES = ['ammunition_store', 'fuel_store', 'equipment_store', 'perimeter', 'gate', 'guardhouse', 'power_room', 'workshop'] as const;

export const regionSchema = z.object({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
}).strict();

/**
 * A unit of the echelon tree (server/src/domain/echelons.ts): under a region or another unit, to any
 * depth. Depots name theirs in `unit`; a site without units leaves both out.
 */
export const unitSchema = z.object({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  /** the region or unit directly above */
  parent: idSchema,
}).strict();

export const zoneSchema = z.object({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  type: z.enum(ZONE_TYPES),
  /** times when doors in this zone may be open; outside them an open door is an alarm. Absent: always allowed. */
  doorSchedule: z.array(timeRangeSchema).optional(),
  /** overrides of the rule thresholds for this zone, per sensor kind */
  limits: z.partialRecord(sensorKindSchema, z.object({ low: z.number().optional(), high: z.number().optional() }).strict()).optional(),
}).strict();

/** an ISO calendar date, "2026-03-31": what a calibration certificate or a commissioning record says */
const isoDateSchema = z.string().regex(FORMATS.date, 'must be a date like 2026-03-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), { message: 'is not a calendar date', params: custom('not_calendar_date', {}) });

/**
 * The equipment register (issue 8): every sensor, camera and edge collector may carry its electronic
 * identification code (the tag on the device), model, serial number and its commissioning and
 * calibration dates. Versioned configuration like the rest; all optional, so a site without a register
 * keeps loading. The next calibration is `calibrationDue`, or `calibrated` + `calibrationIntervalDays`.
 */
export const equipmentFields = {
  code: z.string().regex(FORMATS.equipment_code, 'letters, digits and . _ / - (up to 64), starting with a letter or digit').optional(),
  model: z.string().min(1).max(120).optional(),
  serial: z.string().min(1).max(120).optional(),
  commissioned: isoDateSchema.optional(),
  calibrated: isoDateSchema.optional(),
  calibrationIntervalDays: z.number().int().min(1).max(3650).optional(),
  calibrationDue: isoDateSchema.optional(),
};
export const EQUIPMENT_FIELDS = ['code', 'model', 'serial', 'commissioned', 'calibrated', 'calibrationIntervalDays', 'calibrationDue'] as const;
export type EquipmentField = (typeof EQUIPMENT_FIELDS)[number];

export const sensorSchema = z.object({
  id: idSchema,
  zone: idSchema,
  kind: sensorKindSchema,
  /** how often the device reports, seconds; "not reporting" after staleFactor × this */
  intervalS: z.number().positive().max(86_400).default(30),
  name: nameSchema.optional(),
  ...equipmentFields,
}).strict();

export const cameraSchema = z.object({
  id: idSchema,
  zone: idSchema,
  intervalS: z.number().positive().max(86_400).default(30),
  name: nameSchema.optional(),
  ...equipmentFields,
}).strict();

export const depotSchema = z.object({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  region: idSchema,
  /** the unit the depot belongs to, beneath `region`; absent: directly under the region */
  unit: idSchema.optional(),
  type: z.enum(DEPOT_TYPES),
  position: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict(),
  /** the depot's local UTC offset in minutes, for door schedules (Vietnam: 420) */
  utcOffsetMin: z.number().int().min(-720).max(840).default(420),
  /**
   * the depot's IANA time zone ("Asia/Ho_Chi_Minh"), checked against the platform's Intl data; when given it
   * decides local time (door schedules, recurring maintenance) instead of `utcOffsetMin`, summer time included
   */
  timeZone: z.string().max(64).refine((tz) => isTimeZone(tz), { message: 'not a known IANA time zone, e.g. Asia/Ho_Chi_Minh', params: custom('unknown_time_zone', {}) }).optional(),
  zones: z.array(zoneSchema).min(1),
  sensors: z.array(sensorSchema).default([]),
  cameras: z.array(cameraSchema).default([]),
  /** the register entry of the depot's edge collector (the one that publishes under depots/{id}/…) */
  collector: z.object(equipmentFields).strict().optional(),
  /**
   * what the depot's edge collector reads (SPEC §11: modbus, snmp, cameras), sent to it as its retained
   * `collector/config`; absent: the edge runs the device lists of its own file
   */
  edge: edgeDeviceListsSchema.optional(),
}).strict();

export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const READINESS_LEVELS = ['ready', 'degraded', 'not_ready', 'unknown'] as const;
export type ReadinessLevel = (typeof READINESS_LEVELS)[number];

/** a condition must hold for onDelayS before it alarms, and be gone for offDelayS before it clears */
const delays = {
  onDelayS: z.number().min(0).max(3600).default(0),
  offDelayS: z.number().min(0).max(3600).default(0),
};

export const thresholdRuleSchema = z.object({
  id: idSchema,
  kind: sensorKindSchema,
  /** limit applies only in zones of these types; absent: every zone */
  zoneTypes: z.array(z.enum(ZONE_TYPES)).optional(),
  high: z.number().optional(),
  low: z.number().optional(),
  /** the reading must come back this far inside the limit before the condition clears */
  deadband: z.number().min(0).default(0),
  ...delays,
  severity: severitySchema,
}).strict().refine((r) => r.high !== undefined || r.low !== undefined, { message: 'needs high or low', params: custom('needs_high_or_low', {}) });

/** a reading changing faster than `maxPerMin` units a minute (a fire heating a store, a leak) */
export const rateRuleSchema = z.object({
  id: idSchema,
  kind: sensorKindSchema,
  zoneTypes: z.array(z.enum(ZONE_TYPES)).optional(),
  maxPerMin: z.number().positive(),
  ...delays,
  severity: severitySchema,
}).strict();

export const stateRuleSchema = z.object({
  id: idSchema,
  kind: sensorKindSchema,
  /** the value that means "active" (1 for smoke, water, fence…) */
  active: z.number().default(1),
  /** for doors: active only outside the zone's doorSchedule */
  outsideSchedule: z.boolean().default(false),
  zoneTypes: z.array(z.enum(ZONE_TYPES)).optional(),
  ...delays,
  severity: severitySchema,
}).strict();

export const rulesSchema = z.object({
  thresholds: z.array(thresholdRuleSchema).default([]),
  states: z.array(stateRuleSchema).default([]),
  rates: z.array(rateRuleSchema).default([]),
  camera: z.object({
    offline: severitySchema.default('major'),
    notRecording: severitySchema.default('major'),
    tamper: severitySchema.default('major'),
    videoLoss: severitySchema.default('major'),
  }).strict().default({ offline: 'major', notRecording: 'major', tamper: 'major', videoLoss: 'major' }),
  collectorOffline: severitySchema.default('major'),
  notReporting: severitySchema.default('major'),
  /** a device is "not reporting" after this many expected intervals without a message */
  staleFactor: z.number().min(1).max(100).default(3),
  alarms: z.object({
    /** alarms at one depot within this many seconds of the incident's last alarm join that incident */
    incidentWindowS: z.number().int().min(0).max(86_400).default(600),
    /** an unacknowledged critical incident escalates to the duty officers after this long */
    escalateAfterS: z.number().int().min(10).max(86_400).default(300),
    /** the longest anyone may shelve an alarm for */
    maxShelveS: z.number().int().min(60).max(7 * 86_400).default(8 * 3600),
    /** a re-activation sooner than this after the last one is recorded but not announced again */
    holdoffS: z.number().int().min(0).max(3600).default(30),
    chatterCount: z.number().int().min(2).max(100).default(3),
    chatterWindowS: z.number().int().min(10).max(3600).default(60),
    /** more than floodCount new alarms within floodWindowS in someone's scope is an alarm flood */
    floodCount: z.number().int().min(1).max(10_000).default(10),
    floodWindowS: z.number().int().min(10).max(86_400).default(600),
    /** a resolved incident is closed by the system after this long (a day by default: one full shift cycle to review it) */
    autoCloseAfterS: z.number().int().min(60).max(30 * 86_400).default(86_400),
  }).strict().prefault({}),
  /** which readiness level an active condition of each severity imposes on its depot */
  readiness: z.object({
    critical: z.enum(READINESS_LEVELS).default('not_ready'),
    major: z.enum(READINESS_LEVELS).default('degraded'),
    minor: z.enum(READINESS_LEVELS).default('ready'),
    warning: z.enum(READINESS_LEVELS).default('ready'),
  }).strict().default({ critical: 'not_ready', major: 'degraded', minor: 'ready', warning: 'ready' }),
}).strict();

/**
 * Broker accounts of the depots' edge collectors, for the embedded broker on a network address
 * (SPEC §7): the username is the depot id; the hash comes from `npm run hash-password`.
 */
export const collectorAccountSchema = z.object({
  depot: idSchema,
  passwordHash: z.string().regex(FORMATS.argon2id, 'must be an argon2id hash (npm run hash-password)'),
  /** a disabled account keeps its hash but the broker refuses its logins */
  disabled: z.boolean().optional(),
}).strict();

/**
 * An outline of the area drawn under the depots on the wall's map, supplied by an engineer as a file in
 * the configuration directory (nothing is fetched from the internet). GeoJSON (Polygon, MultiPolygon,
 * LineString, MultiLineString; WGS 84 longitude/latitude) is placed by its coordinates; an SVG needs the
 * longitudes and latitudes of its edges (an equirectangular drawing, as most national outlines are).
 * Without it the map stays the schematic: region hulls round the depots.
 */
export const mapConfigSchema = z.object({
  outline: z.string().regex(FORMATS.outline_file, 'a file name in the configuration directory ending .geojson, .json or .svg (no directories)'),
  bounds: z.object({
    west: z.number().min(-180).max(180), east: z.number().min(-180).max(180),
    south: z.number().min(-90).max(90), north: z.number().min(-90).max(90),
  }).strict().refine((b) => b.west < b.east && b.south < b.north, { message: 'west must be less than east and south less than north', params: custom('bounds_order', {}) }).optional(),
}).strict().superRefine((m, ctx) => {
  if (m.outline.endsWith('.svg') && !m.bounds) ctx.addIssue({ code: 'custom', path: ['bounds'], message: 'an SVG outline needs bounds: { west, east, south, north } of its edges', params: custom('svg_needs_bounds', {}) });
});

export const siteConfigSchema = z.object({
  regions: z.array(regionSchema).min(1),
  /** the echelons between regions and depots; absent: depots sit directly under their regions */
  units: z.array(unitSchema).optional(),
  depots: z.array(depotSchema).min(1),
  collectors: z.array(collectorAccountSchema).default([]),
  map: mapConfigSchema.optional(),
  rules: rulesSchema,
}).strict().superRefine((site, ctx) => {
  // Cross-references the element schemas cannot see: unique ids, known regions and zones.
  const regionIds = new Set<string>();
  site.regions.forEach((r, i) => {
    if (regionIds.has(r.id)) ctx.addIssue({ code: 'custom', path: ['regions', i, 'id'], message: `duplicate region id "${r.id}"`, params: custom('duplicate_id', { what: 'region', id: r.id }) });
    regionIds.add(r.id);
  });
  const depotIds = new Set<string>();
  site.depots.forEach((d, i) => {
    if (depotIds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['depots', i, 'id'], message: `duplicate depot id "${d.id}"`, params: custom('duplicate_id', { what: 'depot', id: d.id }) });
    depotIds.add(d.id);
    if (!regionIds.has(d.region)) ctx.addIssue({ code: 'custom', path: ['depots', i, 'region'], message: `unknown region "${d.region}"`, params: custom('unknown_ref', { what: 'region', id: d.region }) });
    const zoneIds = new Set<string>();
    d.zones.forEach((z, j) => {
      if (zoneIds.has(z.id)) ctx.addIssue({ code: 'custom', path: ['depots', i, 'zones', j, 'id'], message: `duplicate zone id "${z.id}"`, params: custom('duplicate_id', { what: 'zone', id: z.id }) });
      zoneIds.add(z.id);
    });
    const deviceIds = new Set<string>();
    for (const [list, items] of [['sensors', d.sensors], ['cameras', d.cameras]] as const) {
      items.forEach((dev, j) => {
        if (deviceIds.has(`${list}:${dev.id}`)) ctx.addIssue({ code: 'custom', path: ['depots', i, list, j, 'id'], message: `duplicate id "${dev.id}"`, params: custom('duplicate_id', { what: list === 'sensors' ? 'sensor' : 'camera', id: dev.id }) });
        deviceIds.add(`${list}:${dev.id}`);
        if (!zoneIds.has(dev.zone)) ctx.addIssue({ code: 'custom', path: ['depots', i, list, j, 'zone'], message: `unknown zone "${dev.zone}" in depot ${d.id}`, params: custom('unknown_zone', { id: dev.zone, depot: d.id }) });
      });
    }
  });
  site.depots.forEach((d, i) => { if (d.edge) edgeProblems(d, d.edge, ['depots', i, 'edge'], ctx); });
  for (const p of echelonProblems({ regions: site.regions, units: site.units ?? [], depots: site.depots })) ctx.addIssue({ code: 'custom', path: p.path, message: p.message, params: p.params });
  // an identification code names one piece of equipment on the whole site (case-insensitive, as scanners read it)
  const codes = new Map<string, { what: 'sensor' | 'camera' | 'collector'; id: string; depot: string }>();
  const owner = (o: { what: string; id: string; depot: string }) => (o.what === 'collector' ? `the collector of depot ${o.depot}` : `${o.what} ${o.id} in depot ${o.depot}`);
  const noteCode = (code: string | undefined, path: (string | number)[], what: { what: 'sensor' | 'camera' | 'collector'; id: string; depot: string }) => {
    if (code === undefined) return;
    const seen = codes.get(code.toUpperCase());
    if (seen) ctx.addIssue({ code: 'custom', path, message: `code "${code}" is already used by ${owner(seen)}`, params: custom('code_taken', { code, ...seen }) });
    else codes.set(code.toUpperCase(), what);
  };
  site.depots.forEach((d, i) => {
    d.sensors.forEach((s, j) => noteCode(s.code, ['depots', i, 'sensors', j, 'code'], { what: 'sensor', id: s.id, depot: d.id }));
    d.cameras.forEach((c, j) => noteCode(c.code, ['depots', i, 'cameras', j, 'code'], { what: 'camera', id: c.id, depot: d.id }));
    noteCode(d.collector?.code, ['depots', i, 'collector', 'code'], { what: 'collector', id: d.id, depot: d.id });
  });
  // a rule's id names its alarms (`<depot>/<rule id>:<device>`): two rules of one id would share them
  // (every copy is named, whichever list it is in, so an editor sees it on the rule it is writing)
  const RULE_LISTS = ['thresholds', 'states', 'rates'] as const;
  const ruleCount = new Map<string, number>();
  for (const list of RULE_LISTS) for (const r of site.rules[list]) ruleCount.set(r.id, (ruleCount.get(r.id) ?? 0) + 1);
  for (const list of RULE_LISTS) {
    site.rules[list].forEach((r, i) => {
      if ((ruleCount.get(r.id) ?? 0) > 1) ctx.addIssue({ code: 'custom', path: ['rules', list, i, 'id'], message: `duplicate rule id "${r.id}"`, params: custom('duplicate_id', { what: 'rule', id: r.id }) });
    });
  }
  const accounts = new Set<string>();
  site.collectors.forEach((c, i) => {
    if (accounts.has(c.depot)) ctx.addIssue({ code: 'custom', path: ['collectors', i, 'depot'], message: `depot "${c.depot}" already has a collector account`, params: custom('duplicate_account', { depot: c.depot }) });
    accounts.add(c.depot);
    if (!depotIds.has(c.depot)) ctx.addIssue({ code: 'custom', path: ['collectors', i, 'depot'], message: `unknown depot "${c.depot}"`, params: custom('unknown_ref', { what: 'depot', id: c.depot }) });
  });
});

/** the UPS-MIB values an SNMP entry publishes, and the sensor kind each one must be */
const SNMP_KINDS = { mains: 'mains', battery: 'ups_battery', onBattery: 'ups_on_battery' } as const;

/**
 * An edge's device lists against its depot: every sensor a point or UPS value publishes is one of the depot's
 * sensors, of the same kind, read by one point only; every camera entry names one of the depot's cameras, once;
 * a zone named is one of the depot's zones. Without this a typo would send readings the centre holds as
 * "discovered" instead of showing them.
 */
function edgeProblems(d: Pick<DepotConfig, 'id' | 'zones' | 'sensors' | 'cameras'>, edge: EdgeDeviceLists, at: (string | number)[], ctx: z.RefinementCtx): void {
  const sensors = new Map(d.sensors.map((s) => [s.id, s]));
  const zones = new Set(d.zones.map((z) => z.id));
  const readBy = new Map<string, string>();
  const issue = (path: (string | number)[], message: string, params: ProblemParams) => ctx.addIssue({ code: 'custom', path: [...at, ...path], message, params });
  const read = (sensor: string, kind: string, path: (string | number)[], kindPath: (string | number)[]) => {
    const s = sensors.get(sensor);
    if (!s) return issue(path, `unknown sensor "${sensor}" in depot ${d.id}`, custom('no_device', { what: 'sensor', id: sensor, depot: d.id }));
    if (s.kind !== kind) issue(kindPath, `sensor ${sensor} is a ${s.kind} sensor in depot ${d.id}, not ${kind}`, custom('edge_kind_mismatch', { id: sensor, kind: s.kind, expected: kind }));
    const seen = readBy.get(sensor);
    if (seen) issue(path, `sensor ${sensor} is already read by ${seen}`, custom('edge_read_twice', { id: sensor, by: seen }));
    else readBy.set(sensor, ['edge', ...path].join('.'));
  };
  const zone = (z: string | undefined, path: (string | number)[]) => {
    if (z !== undefined && !zones.has(z)) issue(path, `unknown zone "${z}" in depot ${d.id}`, custom('unknown_zone', { id: z, depot: d.id }));
  };
  edge.modbus.forEach((dev, j) => dev.points.forEach((p, k) => {
    read(p.sensor, p.kind, ['modbus', j, 'points', k, 'sensor'], ['modbus', j, 'points', k, 'kind']);
    zone(p.zone, ['modbus', j, 'points', k, 'zone']);
  }));
  edge.snmp.forEach((dev, j) => {
    for (const [field, kind] of Object.entries(SNMP_KINDS) as [keyof typeof SNMP_KINDS, string][]) {
      const sensor = dev[field];
      if (sensor !== undefined) read(sensor, kind, ['snmp', j, field], ['snmp', j, field]);
    }
  });
  const cameras = new Set(d.cameras.map((c) => c.id));
  const seenCameras = new Set<string>();
  edge.cameras.forEach((c, j) => {
    if (!cameras.has(c.camera)) issue(['cameras', j, 'camera'], `unknown camera "${c.camera}" in depot ${d.id}`, custom('no_device', { what: 'camera', id: c.camera, depot: d.id }));
    else if (seenCameras.has(c.camera)) issue(['cameras', j, 'camera'], `camera ${c.camera} is listed twice`, custom('duplicate_id', { what: 'camera', id: c.camera }));
    seenCameras.add(c.camera);
    zone(c.zone, ['cameras', j, 'zone']);
  });
}

export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type CollectorAccount = z.infer<typeof collectorAccountSchema>;
export type RegionConfig = z.infer<typeof regionSchema>;
export type UnitConfig = z.infer<typeof unitSchema>;
export type DepotConfig = z.infer<typeof depotSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type SensorConfig = z.infer<typeof sensorSchema>;
export type CameraConfig = z.infer<typeof cameraSchema>;
export type RulesConfig = z.infer<typeof rulesSchema>;
export type MapConfig = z.infer<typeof mapConfigSchema>;
export type ThresholdRule = z.infer<typeof thresholdRuleSchema>;
export type StateRule = z.infer<typeof stateRuleSchema>;
export type RateRule = z.infer<typeof rateRuleSchema>;
export type EquipmentRegister = { [K in EquipmentField]?: z.infer<(typeof equipmentFields)[K]> };
