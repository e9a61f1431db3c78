// The board's only door to the server's wire contract: components and transforms import from here,
// so a contract change shows up in one import list. Type-only: nothing from the server is bundled.
export type {
  CameraView, ClientToServerEvents, CollectorView, DeliveryStatus, DepotDetail, DepotSummary, DeviceStatus, HistoryResponse,
  LiveBatch, LoginRequest, LoginResponse, MeResponse, ReadinessLevel, Reason, ReasonCode, RegionSummary, Role,
  SensorView, ServerToClientEvents, Severity, Snapshot, ZoneView, ApiError, LiveSnapshot, SequencedBatch, RateLimitedReply, ChangePasswordRequest,
} from '../../../server/src/contracts/api.js';
import type { ApiFieldError } from '../../../server/src/contracts/api.js';
export type { ApiFieldError };
export type { CameraHealth, HistoryPoint, SensorKind } from '../../../server/src/contracts/telemetry.js';
export type { MapOutline, MapResponse } from '../../../server/src/contracts/map.js';
export type { SnapshotTakeResult, SnapshotView } from '../../../server/src/contracts/snapshots.js';
export type {
  ActionResult, ActorView, AlarmState, AlarmView, AuditEntry, AuditVerifyResult, FloodStatus, HandoverReport, IncidentAckResult, IncidentState, SeenAlarm,
  DepotScope, IncidentView, LinkOutage, MaintenanceView, TimelineEntryView, UserView,
} from '../../../server/src/contracts/alarms.js';

export type Lang = 'vi' | 'en';
export type HistoryRange = '1h' | '6h' | '24h' | '7d' | '30d';
export const HISTORY_RANGES: readonly HistoryRange[] = ['1h', '6h', '24h', '7d', '30d'];

/** a failed operator action, from REST (ApiRequestError) or Socket.IO (ActionResult): the same three fields */
export interface ActionFailure { status: number; error: string; message: string; fields?: ApiFieldError[]; params?: Readonly<Record<string, string | number>> }
export type {
  CollectorHealthView, CollectorsResponse, DiscoveredView, RejectedSampleView, ApproveDiscoveredRequest,
} from '../../../server/src/contracts/collectors.js';
export type { ConfigChangeResult, ConfigConflict } from '../../../server/src/contracts/config.js';
export type { CalibrationState, EquipmentItem, EquipmentResponse, VersionDigest } from '../../../server/src/contracts/equipment.js';
export type { ConfigVersionView } from '../../../server/src/contracts/config.js';
export type ConfigChange = import('../../../server/src/contracts/config.js').ConfigVersionView['diff'][number];
