import type { ModbusPointConfig } from '../config-schema.js';
import { registerCount } from './modbus-decode.js';

/**
 * Groups a device's points into as few read requests as the protocol allows. Pure.
 *
 * Points in one table whose addresses lie within `maxGap` unused addresses of each other share one request,
 * up to the Modbus limits (125 registers, 2000 bits per request). Reading a few unused addresses is cheaper
 * than another round trip on a slow link; a device that refuses reads of unmapped addresses is configured
 * with `maxGap: 0`.
 */

export type ModbusTable = 'holding' | 'input' | 'coil' | 'discrete';

export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;

export interface PlannedPoint {
  point: ModbusPointConfig;
  /** index of the point's first word or bit inside the request's answer */
  at: number;
}

export interface ReadRequest {
  table: ModbusTable;
  address: number;
  length: number;
  points: PlannedPoint[];
}

interface Located { point: ModbusPointConfig; table: ModbusTable; address: number; length: number }

function locate(point: ModbusPointConfig): Located {
  if (point.coil !== undefined) return { point, table: 'coil', address: point.coil, length: 1 };
  if (point.discreteInput !== undefined) return { point, table: 'discrete', address: point.discreteInput, length: 1 };
  // the schema guarantees exactly one of register, coil, discreteInput
  return { point, table: point.table, address: point.register ?? 0, length: registerCount(point.type) };
}

const TABLE_ORDER: readonly ModbusTable[] = ['holding', 'input', 'coil', 'discrete'];

export function planReads(points: readonly ModbusPointConfig[], maxGap: number): ReadRequest[] {
  const located = points.map(locate);
  const requests: ReadRequest[] = [];
  for (const table of TABLE_ORDER) {
    const limit = table === 'coil' || table === 'discrete' ? MAX_BITS_PER_READ : MAX_REGISTERS_PER_READ;
    const inTable = located.filter((l) => l.table === table).sort((a, b) => a.address - b.address);
    let current: ReadRequest | undefined;
    for (const l of inTable) {
      const end = l.address + l.length;
      const fits = current !== undefined
        && l.address <= current.address + current.length + maxGap
        && Math.max(end, current.address + current.length) - current.address <= limit;
      if (current && fits) {
        current.length = Math.max(current.length, end - current.address);
        current.points.push({ point: l.point, at: l.address - current.address });
      } else {
        current = { table, address: l.address, length: l.length, points: [{ point: l.point, at: 0 }] };
        requests.push(current);
      }
    }
  }
  return requests;
}
