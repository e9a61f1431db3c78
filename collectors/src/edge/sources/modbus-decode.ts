import type { ModbusPointConfig } from '../config-schema.js';

/**
 * Turns the 16-bit words a Modbus device returned into the number a point stands for. Pure.
 *
 * Byte order names the order in which the bytes A (most significant) … D (least) of a 32-bit value arrive:
 *   ABCD  big-endian, high word first (the Modbus default)      words [AB, CD]
 *   CDAB  low word first ("word swap", common on PLCs)          words [CD, AB]
 *   BADC  bytes swapped inside each word, high word first        words [BA, DC]
 *   DCBA  fully little-endian                                    words [DC, BA]
 * A 16-bit value uses the first half of the name: AB (as sent) for ABCD/CDAB, BA (bytes swapped) for BADC/DCBA.
 */

export type RegisterType = ModbusPointConfig['type'];
export type ByteOrder = ModbusPointConfig['byteOrder'];

/** how many 16-bit registers a value of this type occupies */
export function registerCount(type: RegisterType): 1 | 2 {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

const swapBytes = (w: number): number => ((w & 0xff) << 8) | ((w >> 8) & 0xff);

/** Puts the words of one value into big-endian byte order (ABCD / AB), so one reader serves every order. */
function toBigEndian(words: readonly number[], type: RegisterType, order: ByteOrder): Buffer {
  const n = registerCount(type);
  if (words.length < n) throw new RangeError(`${type} needs ${n} registers, got ${words.length}`);
  const ws = words.slice(0, n).map((w) => w & 0xffff);
  const byteSwapped = order === 'BADC' || order === 'DCBA';
  const wordSwapped = n === 2 && (order === 'CDAB' || order === 'DCBA');
  const ordered = (wordSwapped ? [...ws].reverse() : ws).map((w) => (byteSwapped ? swapBytes(w) : w));
  const buf = Buffer.alloc(n * 2);
  ordered.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
  return buf;
}

/** The raw value (before scale and offset) of `type` held in `words`, read in `order`. */
export function decodeRaw(words: readonly number[], type: RegisterType, order: ByteOrder = 'ABCD'): number {
  const buf = toBigEndian(words, type, order);
  switch (type) {
    case 'int16': return buf.readInt16BE(0);
    case 'uint16': return buf.readUInt16BE(0);
    case 'int32': return buf.readInt32BE(0);
    case 'uint32': return buf.readUInt32BE(0);
    case 'float32': return buf.readFloatBE(0);
  }
}

/** value = raw × scale + offset; rounded to 12 significant digits so 235 × 0.1 reads 23.5, not 23.500000000000004 */
export function applyScale(raw: number, scale: number, offset: number): number {
  const v = raw * scale + offset;
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

/** A coil or discrete input: 1 or 0, inverted for a normally-closed contact. */
export function decodeBit(bit: boolean, invert = false): 0 | 1 {
  return bit !== invert ? 1 : 0;
}
