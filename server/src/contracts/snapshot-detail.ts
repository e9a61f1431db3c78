// No imports: the board bundles this (zod stays on the server).

/**
 * A snapshot in an incident's timeline (type `snapshot`): `detail` is `snapshot:<id>:<cameraId>`, so the timeline
 * table needs no column of its own and an older board still shows the entry as text.
 */
export const snapshotTimelineDetail = (id: number, camera: string) => `snapshot:${id}:${camera}`;
export function parseSnapshotTimelineDetail(detail: string | undefined): { id: number; camera: string } | null {
  const m = /^snapshot:(\d+):([A-Za-z0-9_-]{1,64})$/.exec(detail ?? '');
  return m ? { id: Number(m[1]), camera: m[2] as string } : null;
}
