import { z } from 'zod';

/** SPEC §3 sensor kinds and the unit each one reports in. */
export const SENSOR_KINDS = [
  'temperature', 'humidity', 'smoke', 'gas', 'door', 'motion', 'fence', 'mains', 'ups_battery', 'ups_on_battery', 'water',
] as const;
export const sensorKindSchema = z.enum(SENSOR_KINDS);
export type SensorKind = z.infer<typeof sensorKindSchema>;

export const SENSOR_UNITS: Readonly<Record<SensorKind, string>> = {
  temperature: 'C', humidity: '%RH', smoke: '', gas: '%LEL', door: '', motion: '', fence: '',
  mains: 'V', ups_battery: '%', ups_on_battery: '', water: '',
};

/** Kinds whose value is a 0/1 state rather than a measurement. */
export const BINARY_KINDS: ReadonlySet<SensorKind> = new Set(['smoke', 'door', 'motion', 'fence', 'ups_on_battery', 'water']);

export interface CameraHealth {
  online: boolean;
  fps?: number;
  bitrateKbps?: number;
  packetLossPct?: number;
  recording?: boolean;
  storageFreePct?: number;
  tamper?: boolean;
  videoLoss?: boolean;
}

export type CollectorState = 'online' | 'offline';

/**
 * A message that passed validation, normalised: `ts` is always epoch ms. `hist` marks a reading replayed from
 * an edge spool: it goes to telemetry history only, never to the live state or the alarm engine.
 */
export type AcceptedMessage =
  | { type: 'sensor'; depotId: string; sensorId: string; kind: SensorKind; value: number; unit?: string; ts: number; hist?: true }
  | { type: 'camera'; depotId: string; cameraId: string; health: CameraHealth; ts: number; hist?: true }
  | { type: 'collector'; depotId: string; state: CollectorState; spooled: number; version?: string; dropped?: number; configVersion?: number; ts: number };

/** SPEC §4 InfluxDB schema, one variant per measurement. Timestamps are epoch ms. */
export type TelemetryPoint =
  | { measurement: 'sensor'; tags: { depot: string; zone: string; sensor: string; kind: SensorKind }; fields: { value: number }; ts: number }
  | {
    measurement: 'camera';
    tags: { depot: string; zone: string; camera: string };
    fields: CameraFields;
    ts: number;
  }
  | { measurement: 'collector'; tags: { depot: string }; fields: { online: boolean; spooled: number }; ts: number };

export interface CameraFields {
  online: boolean;
  recording?: boolean;
  tamper?: boolean;
  video_loss?: boolean;
  fps?: number;
  bitrate_kbps?: number;
  packet_loss_pct?: number;
  storage_free_pct?: number;
}

export const CAMERA_NUMERIC_FIELDS = ['fps', 'bitrate_kbps', 'packet_loss_pct', 'storage_free_pct'] as const;
export type CameraNumericField = (typeof CAMERA_NUMERIC_FIELDS)[number];

/** Which numeric series a history query reads. */
export type HistorySeriesRef =
  | { measurement: 'sensor'; depot: string; sensor: string }
  | { measurement: 'camera'; depot: string; camera: string; field: CameraNumericField };

export interface HistoryQuery {
  series: HistorySeriesRef;
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
  /** upper bound on returned buckets; the store picks a bucket width so that it holds (default 1000) */
  maxPoints?: number;
}

export interface HistoryPoint { t: number; mean: number; min: number; max: number }
export interface HistorySeries { intervalMs: number; points: HistoryPoint[] }

/** One sensor's readings as stored, oldest first, for the rule backtest to replay (not downsampled). */
export interface ReadingsQuery {
  depot: string;
  sensor: string;
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
  /** at most this many, the oldest: the next page starts 1 ms after the last one returned */
  limit: number;
}
export interface Reading { t: number; value: number }

export const MAX_HISTORY_POINTS = 1000;
