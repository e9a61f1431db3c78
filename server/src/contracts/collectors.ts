import { z } from 'zod';
import { idSchema } from './ids.js';
import { sensorKindSchema, type SensorKind } from './telemetry.js';

/**
 * The engineers' collector health and discovered devices (SPEC §3, §9): `GET /api/collectors`,
 * `GET /api/discovered`, `POST /api/discovered/{key}/approve|ignore|unignore`, `GET /api/discovered/ignored`.
 */

/** one refused message: the topic, the reason, what was wrong and the first bytes of it, secrets masked */
export interface RejectedSampleView { at: number; topic: string; reason: string; detail: string; payload?: string }

export interface CollectorHealthView {
  depot: string;
  name: string;
  nameEn?: string;
  region: string;
  /** from the collector's retained status and Last Will; unknown until the first one since the centre started */
  state: 'online' | 'offline' | 'unknown';
  /** since when the state holds (receipt time), null while unknown */
  since: number | null;
  /** the last message of any kind from the depot, received at */
  lastSeen: number | null;
  /** the collector's software version, from its status */
  version: string | null;
  /** the `collector/config` version it reports running; null when it has not said */
  configVersion: number | null;
  /**
   * the version of the depot's retained collector/config: the version its part of the configuration (its edge
   * device lists) last changed in; a collector reporting less is behind. Null before the centre published it.
   */
  configPublished: number | null;
  spooled: number;
  dropped: number;
  /** MQTT messages a minute from the depot over the last few minutes (good, discovered and refused alike) */
  ratePerMin: number;
  rejected: number;
  rejections: { reason: string; count: number }[];
  /** newest first, a few at most */
  samples: RejectedSampleView[];
}

export interface CollectorsResponse {
  serverTime: number;
  /** the centre's running configuration version (each collector is compared with its own `configPublished`) */
  configVersion: number;
  /** the window the rates are taken over */
  rateWindowMs: number;
  /** the rejection tallies and samples count from here (the centre's start): they are not kept across a restart */
  rejectionsSince: number;
  collectors: CollectorHealthView[];
  /** refused messages that named no configured depot (bad topics, invented depots): counted once for all */
  unattributed: { rejected: number; rejections: { reason: string; count: number }[]; samples: RejectedSampleView[] };
}

export type DiscoveredType = 'sensor' | 'camera' | 'collector';

export interface DiscoveredView {
  /** `{depot}.{type}.{id}`: IDs never hold a dot, so the key is unambiguous and safe in a URL */
  key: string;
  depotId: string;
  type: DiscoveredType;
  id: string;
  sensorKind?: SensorKind;
  /** the last reading's value (sensors) */
  lastValue?: number;
  unit?: string;
  firstSeen: number;
  lastSeen: number;
  messages: number;
  /** set on ignored devices: who, when and why */
  ignored?: { by: string; at: number; note: string };
}

const baseVersion = z.number().int().min(0).optional();
const comment = z.string().trim().max(2000).default('');

/**
 * POST /api/discovered/{key}/approve: what the device becomes. The kind is the message's unless given;
 * thresholds come from the rules for the zone's type (config/rules.yaml), as for any configured sensor.
 */
export const approveDiscoveredSchema = z.object({
  zone: idSchema,
  kind: sensorKindSchema.optional(),
  name: z.string().trim().min(1).max(120).optional(),
  intervalS: z.number().positive().max(86_400).optional(),
  baseVersion,
  comment,
}).strict();
export type ApproveDiscoveredRequest = z.input<typeof approveDiscoveredSchema>;

export const ignoreDiscoveredSchema = z.object({ note: z.string().trim().max(500).default('') }).strict();
export type IgnoreDiscoveredRequest = z.input<typeof ignoreDiscoveredSchema>;
