import { z } from 'zod';
import type { EquipmentRegister } from '../../../config/schema.js';
import type { ConfigChange } from '../domain/config-diff.js';
import type { ConfigVersionMeta } from '../ports/config-store.js';

/**
 * The equipment register's API (issue 8, SPEC §9 `GET /api/equipment?code=`): devices with their
 * electronic identification code, model, serial number, commissioning and calibration dates.
 */
export type EquipmentType = 'sensor' | 'camera' | 'collector';
export type CalibrationState = 'ok' | 'due_soon' | 'overdue' | 'unknown';

export interface EquipmentItem {
  depot: string;
  depotName: string;
  region: string;
  type: EquipmentType;
  /** the sensor's or camera's id; for a collector, the depot's id (its broker username) */
  id: string;
  zone?: string;
  zoneName?: string;
  /** a sensor's kind */
  kind?: string;
  name?: string;
  register: EquipmentRegister;
  calibration: { state: CalibrationState; due: string | null; daysLeft: number | null };
}

export interface EquipmentResponse {
  items: EquipmentItem[];
  /** devices overdue for calibration, and due within `soonDays`, among those the caller may see */
  counts: { overdue: number; dueSoon: number; total: number };
  soonDays: number;
}

export const equipmentQuerySchema = z.object({
  /** exact code, or its beginning; absent: every device in scope */
  code: z.string().trim().min(1).max(64).optional(),
  depot: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** "due soon" means within this many days */
  soonDays: z.coerce.number().int().min(0).max(365).default(30),
  /** only devices overdue or due soon */
  due: z.enum(['1', 'true']).optional(),
}).strict();

/** POST /api/config/equipment as JSON; a text/csv body carries the comment in ?comment= and the base in If-Match */
export const equipmentImportSchema = z.object({
  csv: z.string().min(1).max(8_000_000),
  comment: z.string().trim().max(2000).default(''),
  baseVersion: z.number().int().min(0).optional(),
}).strict();

/** one refused cell (or row, when `column` is null) of an imported CSV; rows count from 1 = the header.
 * `code` and `params` (config/problems.ts) are what the board phrases; `message` is the English. */
export interface CsvProblem { row: number; column: string | null; message: string; code?: string; params?: Readonly<Record<string, string | number | boolean>> }

/** GET /api/config/digest: a version in the list with the first few of its changes, for a one-line summary */
export interface VersionDigest extends ConfigVersionMeta { head: ConfigChange[] }
