import ModbusSerial from 'modbus-serial';
import { SENSOR_UNITS } from '../../../../server/src/contracts/telemetry.js';
import type { Logger } from '../../../../lib/logger.js';
import type { ModbusDeviceConfig } from '../config-schema.js';
import type { EdgeReading, Source } from '../reading.js';
import { applyScale, decodeBit, decodeRaw } from './modbus-decode.js';
import { planReads, type ReadRequest } from './modbus-plan.js';
import { OutageLog, reasonOf } from './outage.js';
import { backoffMs, startPollLoop, withTimeout, type PollLoop } from './timing.js';

/**
 * One Modbus TCP device, polled every `everyS` over one kept-open connection, its points read in as few
 * requests as planReads allows. A device that does not answer (refused, reset, timed out) emits nothing, so
 * the centre sees its sensors as not reporting; the connection is dropped and retried with a backoff.
 * A Modbus exception (the device answered, but refused that read: a wrong address in the configuration) drops
 * only the points of that request and is logged once.
 */

export interface ModbusSourceOptions {
  logger: Logger;
  now?: () => number;
  /** the longest wait between reconnection attempts (default 60 s) */
  maxBackoffMs?: number;
}

const DEFAULT_MAX_BACKOFF_MS = 60_000;
/** the library's own transaction timeout is the device's; ours only guards against a promise that never settles */
const GUARD_MS = 1000;

// The package is CommonJS: its module.exports is the client class, and also its own `default`, which is the
// name TypeScript's view of it (NodeNext) can see.
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

export function createModbusSource(device: ModbusDeviceConfig, opts: ModbusSourceOptions): Source {
  const name = `modbus ${device.host}:${device.port}#${device.unitId}`;
  const log = opts.logger.child({ source: name });
  const now = opts.now ?? Date.now;
  const maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const requests = planReads(device.points, device.maxGap);
  const outage = new OutageLog(log, now);
  /** requests refused with a Modbus exception, logged once each until they succeed */
  const refused = new Set<ReadRequest>();
  const badValues = new Set<string>();
  let client: Client | undefined;
  let failures = 0;
  let nextConnectAt = 0;
  let loop: PollLoop | undefined;

  const drop = (): void => {
    const c = client;
    client = undefined;
    // destroy() cancels the library's pending timers; the error listener set in connect() stays, for late socket errors
    c?.destroy(() => {});
  };

  const connect = async (): Promise<Client> => {
    const c = new ModbusRTU();
    // a socket error after connecting reaches us as the next request's failure; without a listener it would crash
    c.on('error', () => {});
    c.setTimeout(device.timeoutMs);
    client = c;
    await withTimeout(c.connectTCP(device.host, { port: device.port }), device.timeoutMs, 'connect');
    c.setID(device.unitId);
    return c;
  };

  const read = async (c: Client, r: ReadRequest): Promise<number[] | boolean[]> => {
    const what = `read ${r.table} ${r.address}+${r.length}`;
    const guard = device.timeoutMs + GUARD_MS;
    switch (r.table) {
      case 'holding': return (await withTimeout(c.readHoldingRegisters(r.address, r.length), guard, what)).data;
      case 'input': return (await withTimeout(c.readInputRegisters(r.address, r.length), guard, what)).data;
      case 'coil': return (await withTimeout(c.readCoils(r.address, r.length), guard, what)).data;
      case 'discrete': return (await withTimeout(c.readDiscreteInputs(r.address, r.length), guard, what)).data;
    }
  };

  const toReadings = (r: ReadRequest, data: number[] | boolean[], ts: number): EdgeReading[] => {
    const out: EdgeReading[] = [];
    for (const { point, at } of r.points) {
      let value: number;
      if (r.table === 'coil' || r.table === 'discrete') {
        value = decodeBit(Boolean(data[at]), point.invert);
      } else {
        const words = (data as number[]).slice(at, at + 2);
        value = applyScale(decodeRaw(words, point.type, point.byteOrder), point.scale, point.offset);
      }
      if (!Number.isFinite(value)) {
        // a float32 NaN is how many transmitters say "sensor fault": not a value to publish
        if (!badValues.has(point.sensor)) log.warn({ sensor: point.sensor, value: String(value) }, 'device returned a non-finite value; not published');
        badValues.add(point.sensor);
        continue;
      }
      badValues.delete(point.sensor);
      const unit = SENSOR_UNITS[point.kind];
      out.push({ type: 'sensor', sensorId: point.sensor, payload: { ts, kind: point.kind, value, ...(unit ? { unit } : {}) } });
    }
    return out;
  };

  const poll = async (emit: (r: EdgeReading) => void): Promise<void> => {
    if (!client?.isOpen && now() < nextConnectAt) return;
    const started = performance.now();
    try {
      const c = client?.isOpen ? client : await connect();
      for (const r of requests) {
        try {
          const data = await read(c, r);
          // the device answers: the outage (if any) ends before its first reading goes out
          outage.ok();
          refused.delete(r);
          for (const reading of toReadings(r, data, now())) emit(reading);
        } catch (err) {
          const code = (err as { modbusCode?: unknown }).modbusCode;
          if (typeof code !== 'number') throw err;
          outage.ok(); // a refusal is an answer
          if (!refused.has(r)) log.error({ table: r.table, address: r.address, length: r.length, modbusCode: code, reason: reasonOf(err) }, 'device refused a read; check the configured addresses');
          refused.add(r);
        }
      }
      failures = 0;
      outage.ok();
      log.debug({ ms: Math.round((performance.now() - started) * 10) / 10, requests: requests.length }, 'poll done');
    } catch (err) {
      drop();
      failures += 1;
      nextConnectAt = now() + backoffMs(failures, maxBackoffMs);
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
      drop();
    },
  };
}
