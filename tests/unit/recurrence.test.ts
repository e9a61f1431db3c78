import { describe, expect, it } from 'vitest';
import { depotSchema } from '../../config/schema.js';
import {
  depotOffsetMin, depotTimeZone, isTimeZone, matchesDay, occurrencesAt, parseTimeOfDay, zonedToInstant, zoneOffsetMs, type Recurrence, type RecurringRule,
} from '../../server/src/domain/recurrence.js';

const HCM = 'Asia/Ho_Chi_Minh';
/** an instant from a Vietnamese wall-clock time (UTC+7 all year) */
const vn = (iso: string) => Date.parse(`${iso}:00+07:00`);
const rule = (recurrence: Recurrence, extra: Partial<RecurringRule> = {}): RecurringRule => ({ recurrence, timeZone: HCM, from: 0, until: null, ...extra });
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('time zone arithmetic', () => {
  it('Vietnam is seven hours ahead all year', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T00:00:00Z'), HCM)).toBe(7 * 3600_000);
    expect(zoneOffsetMs(Date.parse('2026-07-15T00:00:00Z'), HCM)).toBe(7 * 3600_000);
    expect(zonedToInstant(Date.parse('2026-12-02T22:00:00Z'), HCM)).toBe(vn('2026-12-02T22:00'));
  });
  it('a zone with summer time gives each season its own offset, and a start in the skipped hour moves forward', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3600_000);
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7200_000);
    // 2026-03-29 02:30 does not exist in Berlin: the clocks jump from 02:00 to 03:00
    const skipped = zonedToInstant(Date.parse('2026-03-29T02:30:00Z'), 'Europe/Berlin');
    expect(skipped).toBe(Date.parse('2026-03-29T01:30:00Z'));
  });
  it('knows real zones and refuses made-up ones', () => {
    expect(isTimeZone(HCM)).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
  it('a depot\'s zone: its timeZone, else the fixed zone of its UTC offset, else Vietnam\'s; its offset follows summer time', () => {
    expect(depotTimeZone({ timeZone: 'Asia/Bangkok', utcOffsetMin: 420 })).toBe('Asia/Bangkok');
    expect(depotTimeZone({ utcOffsetMin: 420 })).toBe(HCM);
    expect(depotTimeZone({ utcOffsetMin: 480 })).toBe('Etc/GMT-8');
    expect(depotTimeZone({ utcOffsetMin: -300 })).toBe('Etc/GMT+5');
    expect(depotTimeZone({ utcOffsetMin: 330 })).toBe(HCM);
    expect(zoneOffsetMs(Date.parse('2026-06-01T00:00:00Z'), depotTimeZone({ utcOffsetMin: 480 }))).toBe(8 * 3600_000);
    expect(depotOffsetMin({ utcOffsetMin: 420 }, 0)).toBe(420);
    expect(depotOffsetMin({ timeZone: 'Europe/Berlin', utcOffsetMin: 420 }, Date.parse('2026-07-15T12:00:00Z'))).toBe(120);
  });
  it('the depot schema takes a real IANA zone and names a made-up one at its path', () => {
    const depot = { id: 'K1', name: 'Kho 1', region: 'R', type: 'fuel', position: { lat: 16, lon: 106 }, zones: [{ id: 'A', name: 'A', type: 'fuel_store' }] };
    expect(depotSchema.safeParse({ ...depot, timeZone: 'Asia/Ho_Chi_Minh' }).success).toBe(true);
    const bad = depotSchema.safeParse({ ...depot, timeZone: 'Asia/Atlantis' });
    expect(bad.success ? [] : bad.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['timeZone', 'not a known IANA time zone, e.g. Asia/Ho_Chi_Minh']]);
  });
  it('reads HH:MM and nothing else', () => {
    expect(parseTimeOfDay('00:00')).toBe(0);
    expect(parseTimeOfDay('23:59')).toBe(23 * 60 + 59);
    expect(parseTimeOfDay('24:00')).toBeUndefined();
    expect(parseTimeOfDay('7:00')).toBeUndefined();
  });
});

describe('which local days carry an occurrence', () => {
  const monthly = (on: Extract<Recurrence, { kind: 'monthly' }>['on']): Recurrence => ({ kind: 'monthly', on, start: '08:00', durationMin: 60 });
  it('weekly: the listed weekdays only', () => {
    const r: Recurrence = { kind: 'weekly', days: [2, 4], start: '22:00', durationMin: 120 };
    expect(matchesDay(r, day('2026-12-01'))).toBe(true); // Tuesday
    expect(matchesDay(r, day('2026-12-02'))).toBe(false); // Wednesday
    expect(matchesDay(r, day('2026-12-03'))).toBe(true); // Thursday
  });
  it('monthly day 31: January and March have it, April and February do not', () => {
    const r = monthly({ day: 31 });
    expect(matchesDay(r, day('2026-01-31'))).toBe(true);
    expect(matchesDay(r, day('2026-03-31'))).toBe(true);
    expect(matchesDay(r, day('2026-04-30'))).toBe(false);
    expect(matchesDay(r, day('2026-02-28'))).toBe(false);
  });
  it('monthly last: the 31st, the 30th, the 28th and, in a leap year, the 29th of February', () => {
    const r = monthly({ day: 'last' });
    expect(matchesDay(r, day('2026-01-31'))).toBe(true);
    expect(matchesDay(r, day('2026-01-30'))).toBe(false);
    expect(matchesDay(r, day('2026-04-30'))).toBe(true);
    expect(matchesDay(r, day('2026-02-28'))).toBe(true);
    expect(matchesDay(r, day('2028-02-28'))).toBe(false);
    expect(matchesDay(r, day('2028-02-29'))).toBe(true);
  });
  it('monthly first Monday and last Friday', () => {
    const first = monthly({ nth: 1, weekday: 1 });
    expect(matchesDay(first, day('2026-12-07'))).toBe(true);
    expect(matchesDay(first, day('2026-12-14'))).toBe(false);
    expect(matchesDay(first, day('2026-12-08'))).toBe(false); // a Tuesday in the first week
    const lastFriday = monthly({ nth: -1, weekday: 5 });
    expect(matchesDay(lastFriday, day('2026-12-25'))).toBe(true);
    expect(matchesDay(lastFriday, day('2026-12-18'))).toBe(false);
    expect(matchesDay(monthly({ nth: 3, weekday: 3 }), day('2026-12-16'))).toBe(true);
  });
});

describe('occurrencesAt: the window covering t, and the next', () => {
  const weekly = rule({ kind: 'weekly', days: [2], start: '22:00', durationMin: 180 }); // Tuesdays 22:00–01:00

  it('before, at the start, inside past midnight, at the end, after', () => {
    const tue = { start: vn('2026-12-01T22:00'), end: vn('2026-12-02T01:00') };
    const nextTue = { start: vn('2026-12-08T22:00'), end: vn('2026-12-09T01:00') };
    expect(occurrencesAt(weekly, vn('2026-12-01T21:59'))).toEqual({ active: null, next: tue });
    expect(occurrencesAt(weekly, tue.start)).toEqual({ active: tue, next: nextTue });
    expect(occurrencesAt(weekly, vn('2026-12-02T00:30'))).toEqual({ active: tue, next: nextTue });
    expect(occurrencesAt(weekly, tue.end)).toEqual({ active: null, next: nextTue });
  });
  it('an occurrence under way at `from` counts, one ended by then does not; nothing starts at or after `until`, though the last may run past it', () => {
    const tue = { start: vn('2026-12-01T22:00'), end: vn('2026-12-02T01:00') };
    expect(occurrencesAt({ ...weekly, from: vn('2026-12-02T00:00') }, vn('2026-12-02T00:30')).active).toEqual(tue);
    expect(occurrencesAt({ ...weekly, from: vn('2026-12-02T01:00') }, vn('2026-12-01T23:00'))).toEqual({ active: null, next: { start: vn('2026-12-08T22:00'), end: vn('2026-12-09T01:00') } });
    const until = vn('2026-12-08T23:00');
    const r = { ...weekly, until };
    expect(occurrencesAt(r, vn('2026-12-09T00:00')).active).toEqual({ start: vn('2026-12-08T22:00'), end: vn('2026-12-09T01:00') });
    expect(occurrencesAt(r, vn('2026-12-09T00:00')).next).toBeNull();
    expect(occurrencesAt({ ...weekly, until: vn('2026-12-08T22:00') }, vn('2026-12-05T00:00')).next).toBeNull();
  });
  it('monthly on the 31st skips the short months: from 31 January the next is 31 March', () => {
    const r = rule({ kind: 'monthly', on: { day: 31 }, start: '08:00', durationMin: 240 });
    expect(occurrencesAt(r, vn('2026-01-31T09:00'))).toEqual({
      active: { start: vn('2026-01-31T08:00'), end: vn('2026-01-31T12:00') },
      next: { start: vn('2026-03-31T08:00'), end: vn('2026-03-31T12:00') },
    });
    expect(occurrencesAt(r, vn('2026-04-01T00:00')).next).toEqual({ start: vn('2026-05-31T08:00'), end: vn('2026-05-31T12:00') });
  });
  it('monthly on the last day: 30 April, 31 May, 28 February', () => {
    const r = rule({ kind: 'monthly', on: { day: 'last' }, start: '23:00', durationMin: 120 });
    expect(occurrencesAt(r, vn('2026-04-15T00:00')).next?.start).toBe(vn('2026-04-30T23:00'));
    expect(occurrencesAt(r, vn('2026-05-01T00:30')).active).toEqual({ start: vn('2026-04-30T23:00'), end: vn('2026-05-01T01:00') });
    expect(occurrencesAt(r, vn('2026-05-01T00:30')).next?.start).toBe(vn('2026-05-31T23:00'));
    expect(occurrencesAt(r, vn('2026-02-01T00:00')).next?.start).toBe(vn('2026-02-28T23:00'));
  });
  it('monthly on the first Monday', () => {
    const r = rule({ kind: 'monthly', on: { nth: 1, weekday: 1 }, start: '07:30', durationMin: 90 });
    expect(occurrencesAt(r, vn('2026-12-02T12:00')).next).toEqual({ start: vn('2026-12-07T07:30'), end: vn('2026-12-07T09:00') });
    expect(occurrencesAt(r, vn('2026-12-07T09:00')).next).toEqual({ start: vn('2027-01-04T07:30'), end: vn('2027-01-04T09:00') });
    expect(occurrencesAt(r, vn('2026-12-07T08:00')).active?.start).toBe(vn('2026-12-07T07:30'));
  });
  it('a rule in another zone follows that zone\'s clocks', () => {
    const r: RecurringRule = { ...weekly, timeZone: 'Europe/Berlin' };
    expect(occurrencesAt(r, Date.parse('2026-12-01T00:00:00Z')).next?.start).toBe(Date.parse('2026-12-01T21:00:00Z'));
  });
  it('a start that is not a time of day has no occurrences; a rule with no day in the horizon has no next', () => {
    expect(occurrencesAt(rule({ kind: 'weekly', days: [1], start: 'late', durationMin: 60 }), 0)).toEqual({ active: null, next: null });
    expect(occurrencesAt(rule({ kind: 'weekly', days: [], start: '08:00', durationMin: 60 }), vn('2026-12-01T00:00'))).toEqual({ active: null, next: null });
  });
});
