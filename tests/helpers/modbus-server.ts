import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { IServiceVector, ServerTCP as ServerTCPType } from 'modbus-serial';
import { freePort } from './ports.js';

const require = createRequire(import.meta.url);
const { ServerTCP } = require('modbus-serial') as { ServerTCP: new (v: IServiceVector, o: { host: string; port: number; unitID?: number }) => ServerTCPType };

/**
 * A Modbus TCP device for tests: modbus-serial's own server over tables the test writes, counting the
 * requests it answers. `hang` makes it accept requests and never answer; stop() and start() take it off
 * the network and bring it back on the same port.
 */
export interface ModbusTestDevice {
  port: number;
  holding: Map<number, number>;
  input: Map<number, number>;
  coils: Map<number, boolean>;
  discrete: Map<number, boolean>;
  /** addresses of holding registers that answer with an "illegal data address" exception */
  refuse: Set<number>;
  hang: boolean;
  /** register read requests answered, by table */
  requests: { holding: number; input: number };
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startModbusDevice(): Promise<ModbusTestDevice> {
  const dev: Omit<ModbusTestDevice, 'stop' | 'start'> = {
    port: await freePort(), holding: new Map(), input: new Map(), coils: new Map(), discrete: new Map(), refuse: new Set(), hang: false,
    requests: { holding: 0, input: 0 },
  };
  type Cb<T> = (err: Error | null, value: T) => void;
  const illegalAddress = (): Error => Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 });
  const range = (addr: number, length: number): number[] => Array.from({ length }, (_, i) => addr + i);
  // Callback style throughout: a "hanging" device simply never calls back.
  const vector: IServiceVector = {
    getMultipleHoldingRegisters: (addr: number, length: number, _unit: number, cb: Cb<number[]>) => {
      if (dev.hang) return;
      dev.requests.holding++;
      if (range(addr, length).some((a) => dev.refuse.has(a))) cb(illegalAddress(), []);
      else cb(null, range(addr, length).map((a) => dev.holding.get(a) ?? 0));
    },
    getHoldingRegister: (addr: number, _unit: number, cb: Cb<number>) => {
      if (dev.hang) return;
      dev.requests.holding++;
      if (dev.refuse.has(addr)) cb(illegalAddress(), 0);
      else cb(null, dev.holding.get(addr) ?? 0);
    },
    getMultipleInputRegisters: (addr: number, length: number, _unit: number, cb: Cb<number[]>) => {
      if (dev.hang) return;
      dev.requests.input++;
      cb(null, range(addr, length).map((a) => dev.input.get(a) ?? 0));
    },
    getInputRegister: (addr: number, _unit: number, cb: Cb<number>) => {
      if (dev.hang) return;
      dev.requests.input++;
      cb(null, dev.input.get(addr) ?? 0);
    },
    getCoil: (addr: number, _unit: number, cb: Cb<boolean>) => {
      if (dev.hang) return;
      cb(null, dev.coils.get(addr) ?? false);
    },
    getDiscreteInput: (addr: number, _unit: number, cb: Cb<boolean>) => {
      if (dev.hang) return;
      cb(null, dev.discrete.get(addr) ?? false);
    },
  };
  let server: ServerTCPType | undefined;
  const start = async (): Promise<void> => {
    const s = new ServerTCP(vector, { host: '127.0.0.1', port: dev.port, unitID: 255 });
    await new Promise<void>((resolve, reject) => {
      s.on('initialized', () => resolve());
      s.on('serverError', (err) => reject(err ?? new Error('modbus server error')));
    });
    s.on('socketError', () => {});
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const sock of (s.socks as Map<Socket, 0>).keys()) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await start();
  return Object.assign(dev, { start, stop });
}
