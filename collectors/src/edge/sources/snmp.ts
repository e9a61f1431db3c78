import snmp from 'net-snmp';
import type { Logger } from '../../../../lib/logger.js';
import type { SnmpDeviceConfig } from '../config-schema.js';
import type { EdgeReading, Source } from '../reading.js';
import { OutageLog, reasonOf } from './outage.js';
import { startPollLoop, withTimeout, type PollLoop } from './timing.js';
import { objectsFor, UPS_OIDS, upsReadings, type UpsValues } from './ups-mib.js';

/**
 * One UPS over SNMP v2c or v3 (USM), polled every `everyS` with one GET of the UPS-MIB objects its
 * configured sensors need. A UPS that does not answer emits nothing and is logged once per outage; its UDP
 * session is rebuilt on the next poll (a v3 agent that restarted has a new engine boot count to discover).
 */

export interface SnmpSourceOptions {
  logger: Logger;
  now?: () => number;
}

/** one retry: a single lost datagram on a weak link should not count as an outage */
const RETRIES = 1;

function openSession(d: SnmpDeviceConfig): snmp.Session {
  const options = { port: d.port, retries: RETRIES, timeout: d.timeoutMs, transport: 'udp4' as const };
  if (d.version === '2c') return snmp.createSession(d.host, d.community ?? '', { ...options, version: snmp.Version2c });
  const u = d.user;
  if (!u) throw new Error('SNMP v3 needs user'); // the schema refuses this already
  return snmp.createV3Session(d.host, {
    name: u.name,
    level: snmp.SecurityLevel[u.level],
    ...(u.level !== 'noAuthNoPriv' && u.authKey !== undefined ? { authProtocol: snmp.AuthProtocols[u.authProtocol], authKey: u.authKey } : {}),
    ...(u.level === 'authPriv' && u.privKey !== undefined ? { privProtocol: snmp.PrivProtocols[u.privProtocol], privKey: u.privKey } : {}),
  }, { ...options, version: snmp.Version3 });
}

export function createSnmpSource(device: SnmpDeviceConfig, opts: SnmpSourceOptions): Source {
  const name = `snmp ${device.host}:${device.port}`;
  const log = opts.logger.child({ source: name });
  const now = opts.now ?? Date.now;
  const ids = { mains: device.mains, battery: device.battery, onBattery: device.onBattery };
  const objects = objectsFor(ids);
  const oids = objects.map((o) => UPS_OIDS[o]);
  const outage = new OutageLog(log, now);
  const missing = new Set<string>();
  let session: snmp.Session | undefined;
  let loop: PollLoop | undefined;

  const close = (): void => {
    const s = session;
    session = undefined;
    try { s?.close(); } catch { /* already closed */ }
  };

  const get = (s: snmp.Session): Promise<snmp.Varbind[]> => new Promise((resolve, reject) => {
    s.get(oids, (error, varbinds) => (error ? reject(error) : resolve(varbinds ?? [])));
  });

  const poll = async (emit: (r: EdgeReading) => void): Promise<void> => {
    const started = performance.now();
    try {
      if (!session) {
        session = openSession(device);
        // a socket error would otherwise be thrown from the event emitter
        session.on('error', (err: unknown) => log.warn({ reason: reasonOf(err) }, 'SNMP socket error'));
      }
      const varbinds = await withTimeout(get(session), device.timeoutMs * (RETRIES + 1) + 1000, 'SNMP get');
      const values: UpsValues = {};
      objects.forEach((o, i) => {
        const vb = varbinds[i];
        if (!vb || snmp.isVarbindError(vb) || typeof vb.value !== 'number') {
          // noSuchObject: a UPS without that object; say so once, publish what there is
          if (!missing.has(o)) log.warn({ object: o, oid: UPS_OIDS[o], reason: vb ? snmp.varbindError(vb) : 'no varbind' }, 'UPS does not serve this object');
          missing.add(o);
          return;
        }
        missing.delete(o);
        values[o] = vb.value;
      });
      const ts = now();
      outage.ok();
      for (const r of upsReadings(values, ids, ts)) emit(r);
      log.debug({ ms: Math.round((performance.now() - started) * 10) / 10 }, 'poll done');
    } catch (err) {
      close();
      outage.failed(reasonOf(err));
    }
  };

  return {
    name,
    start(emit) {
      loop ??= startPollLoop(device.everyS * 1000, () => poll(emit), (err) => log.error({ err }, 'poll failed'));
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
      close();
    },
  };
}
