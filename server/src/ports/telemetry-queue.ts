import type { TelemetryPoint } from '../contracts/telemetry.js';

/** The durable queue between ingest and the telemetry store (adapters/sqlite/telemetry-queue.ts). */
export interface QueueRow {
  id: number;
  points: TelemetryPoint[];
}

export interface TelemetryQueueStats {
  rows: number;
  points: number;
  bytes: number;
  /** appended, not yet committed */
  pendingRows: number;
}

export type QueueDropReason = 'queue_full' | 'unreadable';

export interface TelemetryQueue {
  /** queues the points of one message; `onDurable` runs once they are committed to disk */
  append(points: readonly TelemetryPoint[], onDurable?: () => void): void;
  /** commits the pending group now (shutdown; tests) */
  commit(): void;
  /** the oldest committed rows with id > afterId, up to about maxPoints points (at least one row) */
  readAfter(afterId: number, maxPoints: number): QueueRow[];
  /** deletes rows fromId..toId (the store accepted them) */
  remove(fromId: number, toId: number): void;
  /** rows with id <= this are being written: the byte bound never deletes them */
  protectThrough(id: number): void;
  stats(): TelemetryQueueStats;
  /** `listener` runs after every commit (the writer starts a full batch from there) */
  onCommit(listener: () => void): void;
  close(): void;
}
