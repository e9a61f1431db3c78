import { z } from 'zod';
import type { MaintenanceView } from './alarms.js';

/**
 * Recurring maintenance windows (issue 8): `GET/POST /api/maintenance/recurring`,
 * `DELETE /api/maintenance/recurring/:id`. Each occurrence runs as a maintenance window
 * (`MaintenanceView` with `recurringId`), so it suppresses, expires and is audited like a one-off one.
 */

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export type MonthlyOn = { day: number } | { day: 'last' } | { nth: 1 | 2 | 3 | 4 | -1; weekday: Weekday };
export type Recurrence =
  | { kind: 'weekly'; days: Weekday[]; start: string; durationMin: number }
  | { kind: 'monthly'; on: MonthlyOn; start: string; durationMin: number };

export interface RecurringMaintenanceView {
  id: number;
  depot: string;
  device: MaintenanceView['device'];
  reason: string;
  by: string;
  createdAt: number;
  recurrence: Recurrence;
  /** IANA zone the start time is read in */
  timeZone: string;
  /** an occurrence counts when it ends after `from` and starts before `until` (null: for ever) */
  from: number;
  until: number | null;
  deletedAt: number | null;
  /** the occurrence running now, if any, and the next one to start (null: none left) */
  active: { start: number; end: number } | null;
  next: { start: number; end: number } | null;
  /** the latest occurrences that ran (newest first), as maintenance windows */
  recent: MaintenanceView[];
}

const depotId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const weekday = z.number().int().min(0).max(6);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM');

/** weekly occurrences stay shorter than a week and monthly ones than 28 days, so two never overlap */
export const recurrenceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('weekly'),
    days: z.array(weekday).min(1, 'pick at least one day').max(7).transform((d) => [...new Set(d)].sort() as Weekday[]),
    start: timeOfDay,
    durationMin: z.number().int().positive().max(7 * 24 * 60 - 1),
  }),
  z.object({
    kind: z.literal('monthly'),
    on: z.union([
      z.object({ day: z.number().int().min(1).max(31) }).strict(),
      z.object({ day: z.literal('last') }).strict(),
      z.object({ nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]), weekday: weekday.transform((w) => w as Weekday) }).strict(),
    ], { error: 'a day of the month (1–31), "last", or {nth: 1–4 or -1, weekday: 0–6}' }),
    start: timeOfDay,
    durationMin: z.number().int().positive().max(28 * 24 * 60),
  }),
]);

export const recurringMaintenanceRequestSchema = z.object({
  depot: depotId,
  device: z.object({ type: z.enum(['sensor', 'camera']), id: depotId }).nullable().default(null),
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
  recurrence: recurrenceSchema,
  /** default: the depot's zone (its timeZone, else from its UTC offset; Asia/Ho_Chi_Minh) */
  timeZone: z.string().min(1).max(64).optional(),
  /** default: now */
  from: z.number().int().nonnegative().optional(),
  until: z.number().int().positive().nullable().default(null),
});
export type RecurringMaintenanceRequest = z.infer<typeof recurringMaintenanceRequestSchema>;
