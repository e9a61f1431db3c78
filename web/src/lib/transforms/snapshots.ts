import { parseSnapshotTimelineDetail } from '../../../../server/src/contracts/snapshot-detail.js';
import type { IncidentView } from '../types.js';

export { parseSnapshotTimelineDetail };

/** one picture as the board shows it: which, from which camera, when, who asked */
export interface ShotRef { id: number; camera: string; at: number; alarmId?: string; by: string }

/**
 * The pictures of an incident, from its timeline's `snapshot` entries: the newest of each camera, newest first,
 * only those of `alarmIds` when given (entries without an alarm, a person's request for the incident, always
 * count). Pure.
 */
export function incidentShots(incident: Pick<IncidentView, 'timeline'>, alarmIds?: ReadonlySet<string>, max = 4): ShotRef[] {
  const byCamera = new Map<string, ShotRef>();
  for (const e of incident.timeline) {
    if (e.type !== 'snapshot') continue;
    const s = parseSnapshotTimelineDetail(e.detail);
    if (!s) continue;
    if (alarmIds && e.alarmId !== undefined && !alarmIds.has(e.alarmId)) continue;
    const prev = byCamera.get(s.camera);
    if (!prev || e.at >= prev.at) byCamera.set(s.camera, { id: s.id, camera: s.camera, at: e.at, by: e.actor, ...(e.alarmId !== undefined ? { alarmId: e.alarmId } : {}) });
  }
  return [...byCamera.values()].sort((a, b) => b.at - a.at || b.id - a.id).slice(0, max);
}

export const snapshotUrl = (id: number): string => `/api/snapshots/${id}`;
