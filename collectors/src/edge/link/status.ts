import type { CollectorStatusPayload } from '../../../../server/src/contracts/mqtt.js';
import type { SpoolStats } from '../spool/spool.js';

/** The retained `collector/status` (SPEC §3) while the collector runs. */
export function onlineStatus(now: number, version: string, configVersion: number, spool: SpoolStats): CollectorStatusPayload {
  return { state: 'online', ts: now, version, spooled: spool.spooled, dropped: spool.dropped, configVersion };
}

/** the Last Will, retained: the broker publishes it when the collector's connection dies */
export const OFFLINE_WILL = JSON.stringify({ state: 'offline' } satisfies CollectorStatusPayload);
