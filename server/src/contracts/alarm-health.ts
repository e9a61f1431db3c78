/** `GET /api/alarm-health?days=14&operators=1` (issue 8, item 4): the report's shape, for the board. */
export type { AlarmHealthDay, AlarmHealthReport } from '../domain/alarm-health.js';
