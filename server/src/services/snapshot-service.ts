import type { AlarmView } from '../contracts/alarms.js';
import { snapshotTimelineDetail, snapshotTopics, type SnapshotOrigin, type SnapshotTakeResult, type SnapshotView } from '../contracts/snapshots.js';
import type { Logger } from '../adapters/logger.js';
import type { SnapshotFiles } from '../adapters/snapshot-files.js';
import type { SnapshotRepo, SnapshotRow } from '../adapters/sqlite/snapshot-repo.js';
import { ATTACH_AFTER_MS, ATTACH_BEFORE_MS, alarmsFor, nearestTo, type AttachAlarm } from '../domain/snapshot-attach.js';
import { chooseExpired, type RetentionPolicy } from '../domain/snapshot-retention.js';
import { SYSTEM } from '../domain/incidents.js';
import { can, canSeeDepot, visibleDepots, type Subject } from '../domain/permissions.js';
import type { SiteIndex } from '../domain/site-index.js';
import type { IncomingSnapshot } from '../ingest/normalise-snapshot.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { AlarmService, AlarmUpdate } from './alarm-service.js';

export class SnapshotError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 429, readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

export type SnapshotOperator = Subject & { username: string; userId: number };

/** a person's "take a snapshot now" waits this long for its picture; one arriving later is an ordinary one */
export const REQUEST_WAIT_MS = 60_000;
/** one request per camera this often, whoever asks (a tablet's double tap, two guards at once) */
export const CAMERA_REQUEST_MIN_MS = 5_000;
/** a person's requests per minute */
export const PERSON_REQUESTS_PER_MIN = 12;
/** the centre's own request when an alarm is raised: at most this often per camera (an alarm storm is one picture) */
export const ALARM_REQUEST_MIN_MS = 30_000;
/** cameras asked at most per alarm (a zone with forty cameras) */
export const MAX_CAMERAS_PER_ALARM = 4;

export interface SnapshotServiceDeps {
  repo: SnapshotRepo;
  files: SnapshotFiles;
  index: () => SiteIndex;
  alarms: Pick<AlarmService, 'snapshot' | 'incident' | 'commitAndAnnounce'>;
  /** publishes on the centre's MQTT session (QoS 1, not retained) */
  publish: (topic: string, payload: string) => void;
  root: string;
  audit: (entries: AuditInput[]) => void;
  clock: Clock;
  logger: Logger;
  retention: RetentionPolicy;
  /** a stored snapshot was refused on the way to disk (counted beside the ingest's rejections) */
  onStoreFailed?: () => void;
}

interface Pending { depot: string; camera: string; at: number; by: string; alarmId: string | null; incidentId: string | null }

/**
 * Camera snapshots at the centre: each picture stored durably (file, then row, then its PUBACK), attached to the
 * alarms of its camera's zone and to their incidents' timelines (domain/snapshot-attach.ts), requested from the
 * edge when an alarm is raised in a zone with a camera and when a person asks, served in the caller's scope, and
 * aged out by the retention (domain/snapshot-retention.ts).
 */
export function createSnapshotService(deps: SnapshotServiceDeps) {
  const { repo, files, clock, logger } = deps;
  const pending: Pending[] = [];
  const lastCameraRequest = new Map<string, number>();
  const lastAlarmRequest = new Map<string, number>();
  const personRequests = new Map<number, number[]>();
  /** alarm raises already handled (`id@raisedAt`), so a re-announced alarm asks no second time */
  const handledRaises = new Map<string, number>();

  const zoneOf = (depot: string, camera: string) => deps.index().camera(depot, camera)?.zone;
  const camerasOfZone = (depot: string, zone: string): string[] =>
    deps.index().camerasOf(depot).filter((c) => c.zone.id === zone).map((c) => c.camera.id);
  const attachable = (a: AlarmView): AttachAlarm => ({ id: a.id, depot: a.depot, zone: a.device.zone, raisedAt: a.raisedAt, incidentId: a.incidentId });

  function view(r: SnapshotRow, links = repo.linksOf([r.id]).get(r.id)): SnapshotView {
    const zone = zoneOf(r.depot, r.camera);
    return {
      id: r.id, depot: r.depot, camera: r.camera, zone: zone?.id ?? null, zoneName: zone?.name ?? null, ts: r.ts, receivedAt: r.receivedAt,
      bytes: r.bytes, sha256: r.sha256, origin: r.origin, requestedBy: r.requestedBy,
      alarms: links?.alarms ?? [], incidents: links?.incidents ?? [], url: `/api/snapshots/${r.id}`,
    };
  }

  /** attaches one snapshot to an alarm's incident timeline and announces the incident; false if attached already */
  function attach(s: SnapshotRow, to: { alarmId: string | null; incidentId: string | null; why: 'alarm' | 'operator'; raisedAt?: number | null; by?: string }): boolean {
    if (!repo.link(s.id, to)) return false;
    const incident = to.incidentId ? deps.alarms.incident(to.incidentId) : undefined;
    if (!incident || incident.state === 'closed') return true;
    try {
      deps.alarms.commitAndAnnounce([], [], {
        incidents: [incident],
        timeline: [{
          incidentId: incident.id, at: s.ts, type: 'snapshot', actor: to.by ?? SYSTEM, detail: snapshotTimelineDetail(s.id, s.camera),
          ...(to.alarmId ? { alarmId: to.alarmId } : {}),
        }],
      });
    } catch (err) {
      logger.error({ err, snapshot: s.id, incident: incident.id }, 'could not add the snapshot to the incident timeline');
    }
    return true;
  }

  function activeAlarms(depot: string): AlarmView[] {
    return deps.alarms.snapshot((d) => d === depot).alarms;
  }

  /** a stored snapshot finds its alarms: a person's request first, then the alarms of its zone in the window */
  function attachNew(s: SnapshotRow): void {
    const now = clock.now();
    while (pending.length && (pending[0]?.at ?? 0) < now - REQUEST_WAIT_MS) pending.shift();
    const asked = pending.filter((p) => p.depot === s.depot && p.camera === s.camera);
    if (asked.length) {
      const first = asked[0] as Pending;
      repo.markOrigin(s.id, 'operator', first.by === SYSTEM ? null : first.by);
      for (const p of asked) {
        if (p.alarmId || p.incidentId) attach(s, { alarmId: p.alarmId, incidentId: p.incidentId, why: 'operator', by: p.by });
        pending.splice(pending.indexOf(p), 1);
      }
    }
    const zone = zoneOf(s.depot, s.camera)?.id ?? null;
    for (const a of alarmsFor({ ...s, zone }, activeAlarms(s.depot).map(attachable))) {
      if (a.raisedAt === null || repo.hasAutoLink(a.id, a.raisedAt, s.camera)) continue;
      attach(s, { alarmId: a.id, incidentId: a.incidentId, why: 'alarm', raisedAt: a.raisedAt });
    }
  }

  function request(depot: string, camera: string, reason: string): void {
    deps.publish(snapshotTopics.request(deps.root, depot, camera), JSON.stringify({ ts: clock.now(), reason }));
  }

  return {
    /** ingest's onSnapshot: to disk and SQLite, then the PUBACK (`done`), then attached and announced */
    ingest(snap: IncomingSnapshot, done: () => void): void {
      void (async () => {
        let row: SnapshotRow | undefined;
        try {
          const { path, sha256 } = await files.write(snap.depotId, snap.cameraId, snap.ts, snap.jpeg);
          const s = { depot: snap.depotId, camera: snap.cameraId, ts: snap.ts, receivedAt: snap.receivedAt, bytes: snap.jpeg.length, sha256, path, origin: 'edge' as SnapshotOrigin, requestedBy: null };
          row = { ...s, id: repo.insert(s) };
        } catch (err) {
          // acknowledged all the same: a disk that refuses this picture refuses its redelivery too
          deps.onStoreFailed?.();
          logger.error({ err, depot: snap.depotId, camera: snap.cameraId }, 'could not store a camera snapshot');
        } finally {
          done();
        }
        if (!row) return;
        try {
          attachNew(row);
        } catch (err) {
          logger.error({ err, snapshot: row.id }, 'could not attach a snapshot');
        }
      })();
    },

    /** the alarm service announced: a newly raised alarm in a zone with cameras gets their stored or a fresh picture */
    onAlarmUpdate(u: AlarmUpdate): void {
      const now = clock.now();
      for (const [k, at] of handledRaises) if (at < now - ATTACH_AFTER_MS) handledRaises.delete(k);
      for (const a of u.alarms) {
        if (a.state !== 'unack' || a.raisedAt === null || a.device.zone === undefined || a.raisedAt < now - ATTACH_AFTER_MS) continue;
        const key = `${a.id}@${a.raisedAt}`;
        if (handledRaises.has(key)) continue;
        handledRaises.set(key, a.raisedAt);
        const cameras = camerasOfZone(a.depot, a.device.zone).slice(0, MAX_CAMERAS_PER_ALARM);
        for (const camera of cameras) {
          try {
            const stored = nearestTo(a.raisedAt, repo.near(a.depot, camera, a.raisedAt - ATTACH_BEFORE_MS, a.raisedAt + ATTACH_AFTER_MS).map((r) => ({ ...r, zone: a.device.zone ?? null })));
            if (stored && !repo.hasAutoLink(a.id, a.raisedAt, camera)) {
              const r = repo.get(stored.id);
              if (r) attach(r, { alarmId: a.id, incidentId: a.incidentId, why: 'alarm', raisedAt: a.raisedAt });
              continue;
            }
            const k = `${a.depot}/${camera}`;
            if (now - (lastAlarmRequest.get(k) ?? -Infinity) < ALARM_REQUEST_MIN_MS) continue;
            lastAlarmRequest.set(k, now);
            request(a.depot, camera, `alarm ${a.code} ${a.id}`);
          } catch (err) {
            logger.error({ err, alarm: a.id, camera }, 'could not get a snapshot for an alarm');
          }
        }
      }
    },

    /** "take a snapshot now": one camera, or every camera of an alarm's zone; rate-limited and audited */
    take(p: SnapshotOperator, body: { depot: string; camera?: string | undefined; alarmId?: string | undefined }): SnapshotTakeResult {
      if (!canSeeDepot(p, body.depot)) throw new SnapshotError(404, 'not_found', `depot ${body.depot} not found`);
      if (!can(p, 'snapshot', body.depot)) throw new SnapshotError(403, 'forbidden', `${p.role} ${p.username} may not ask for snapshots`);
      let alarm: AlarmView | undefined;
      if (body.alarmId !== undefined) {
        alarm = activeAlarms(body.depot).find((a) => a.id === body.alarmId);
        if (!alarm) throw new SnapshotError(404, 'not_found', `alarm ${body.alarmId} is not active at depot ${body.depot}`);
      }
      let cameras: string[];
      if (body.camera !== undefined) {
        if (!deps.index().camera(body.depot, body.camera)) throw new SnapshotError(404, 'not_found', `camera ${body.camera} not found at depot ${body.depot}`);
        cameras = [body.camera];
      } else {
        cameras = alarm?.device.zone ? camerasOfZone(body.depot, alarm.device.zone).slice(0, MAX_CAMERAS_PER_ALARM) : [];
        if (cameras.length === 0) throw new SnapshotError(400, 'no_camera', 'the alarm\'s zone has no camera');
      }
      const now = clock.now();
      const recent = (personRequests.get(p.userId) ?? []).filter((t) => t > now - 60_000);
      if (recent.length >= PERSON_REQUESTS_PER_MIN) throw new SnapshotError(429, 'rate_limited', 'too many snapshot requests; try again in a minute', 60_000 - (now - (recent[0] ?? now)));
      const busy = cameras.filter((c) => now - (lastCameraRequest.get(`${body.depot}/${c}`) ?? -Infinity) < CAMERA_REQUEST_MIN_MS);
      if (busy.length === cameras.length) throw new SnapshotError(429, 'rate_limited', `a snapshot of ${busy.join(', ')} was asked for a moment ago`, CAMERA_REQUEST_MIN_MS);
      const asked = cameras.filter((c) => !busy.includes(c));
      personRequests.set(p.userId, [...recent, now]);
      deps.audit([{
        at: now, actor: p.username, action: 'snapshot.request', target: `${body.depot}/${asked.join(',')}`, depot: body.depot, note: null,
        detail: { cameras: asked, alarm: alarm?.id ?? null, incident: alarm?.incidentId ?? null },
      }]);
      for (const camera of asked) {
        lastCameraRequest.set(`${body.depot}/${camera}`, now);
        pending.push({ depot: body.depot, camera, at: now, by: p.username, alarmId: alarm?.id ?? null, incidentId: alarm?.incidentId ?? null });
        request(body.depot, camera, `requested by ${p.username}`);
      }
      return { cameras: asked, requestedAt: now };
    },

    list(p: Subject, q: { depot?: string | undefined; camera?: string | undefined; alarm?: string | undefined; incident?: string | undefined; latest?: string | undefined; limit: number }): SnapshotView[] {
      if (q.depot !== undefined && !canSeeDepot(p, q.depot)) throw new SnapshotError(404, 'not_found', `depot ${q.depot} not found`);
      const rows = repo.list({
        depots: visibleDepots(p), limit: q.limit, latestPerCamera: q.latest !== undefined,
        ...(q.depot !== undefined ? { depot: q.depot } : {}), ...(q.camera !== undefined ? { camera: q.camera } : {}),
        ...(q.alarm !== undefined ? { alarm: q.alarm } : {}), ...(q.incident !== undefined ? { incident: q.incident } : {}),
      });
      const links = repo.linksOf(rows.map((r) => r.id));
      return rows.map((r) => view(r, links.get(r.id)));
    },

    /** the file of one snapshot the caller may see: 404 unknown, 403 another depot's */
    file(p: Subject, id: number): { view: SnapshotView; path: string } {
      const r = repo.get(id);
      if (!r) throw new SnapshotError(404, 'not_found', `snapshot ${id} not found`);
      if (!canSeeDepot(p, r.depot)) throw new SnapshotError(403, 'forbidden', `snapshot ${id} belongs to a depot outside your scope`);
      return { view: view(r), path: files.absolute(r.path) };
    },

    /** the retention pass: files first, then rows (a row never points at a file that is gone for good) */
    async enforceRetention(): Promise<{ removed: number; bytes: number; overCapBy: number }> {
      const rows = repo.retentionRows();
      const { remove, overCapBy } = chooseExpired(rows, clock.now(), deps.retention, repo.keptByOpenIncidents());
      if (remove.length === 0) return { removed: 0, bytes: 0, overCapBy };
      const sizes = new Map(rows.map((r) => [r.id, r.bytes]));
      const gone: number[] = [];
      for (const { id, path } of repo.paths(remove)) {
        try {
          await files.remove(path);
          gone.push(id);
        } catch (err) {
          logger.error({ err, snapshot: id }, 'could not remove an expired snapshot file');
        }
      }
      repo.remove(gone);
      const bytes = gone.reduce((n, id) => n + (sizes.get(id) ?? 0), 0);
      deps.audit([{
        at: clock.now(), actor: SYSTEM, action: 'snapshot.retention', target: 'snapshots', depot: null, note: null,
        detail: { removed: gone.length, bytes, overCapBy, maxAgeMs: deps.retention.maxAgeMs, maxBytes: deps.retention.maxBytes },
      }]);
      if (overCapBy > 0) logger.warn({ overCapBy }, 'snapshots attached to open incidents exceed SNAPSHOT_MAX_BYTES; they are kept until the incidents close');
      return { removed: gone.length, bytes, overCapBy };
    },
    totals: () => repo.totals(),
    /** DATA_DIR/snapshots */
    filesRoot: files.root,
  };
}
export type SnapshotService = ReturnType<typeof createSnapshotService>;
