import { describe, expect, it } from 'vitest';
import type { SiteConfig, ThresholdRule } from '../../config/schema.js';
import type { BacktestResponse } from '../../server/src/contracts/backtest.js';
import { refusalOf, saveVersion, type RunningConfigView } from '../../web/src/lib/api/engineer-config.js';
import { ApiClient, ApiRequestError } from '../../web/src/lib/api/http.js';
import {
  addCamera, addDepot, addSensor, addZone, changeSummary, errorsUnder, freshId, numberInput, optionalText, removeDepot, removeItem, setIn,
  validateRule, validateSite, type FieldErrors,
} from '../../web/src/lib/transforms/config-edit.js';
import {
  alarmSpans, backtestProblem, backtestSummary, effectiveLimits, findRule, listRules, newRule, placeRule, removeRule, replaceRule, retypeRule, ruleChangeText, ruleErrors, sensorsFor,
  toggleZoneType,
} from '../../web/src/lib/transforms/rule-edit.js';
import { accountRows, generatePassword, removeAccount, setDisabled } from '../../web/src/lib/transforms/collector-accounts.js';
import { translate } from '../../web/src/lib/i18n/index.js';
import { smallSite } from '../helpers/site.js';

const site = (): SiteConfig => smallSite();
const messages = (e: FieldErrors) => Object.fromEntries(Object.entries(e).map(([k, p]) => [k, p.message]));

describe('config editor transforms (web/src/lib/transforms/config-edit.ts)', () => {
  it('validates a draft with the server\'s schema: a valid site has no errors, each bad field is keyed by its path', () => {
    expect(validateSite(site())).toEqual({});
    let s = setIn(site(), ['depots', 0, 'position', 'lat'], 95);
    s = setIn(s, ['depots', 0, 'sensors', 1, 'intervalS'], numberInput('ten'));
    s = setIn(s, ['depots', 1, 'name'], '');
    expect(messages(validateSite(s))).toEqual({
      'depots.0.position.lat': 'Too big: expected number to be <=90',
      'depots.0.sensors.1.intervalS': 'Invalid input: expected number, received string',
      'depots.1.name': 'Too small: expected string to have >=1 characters',
    });
    // beside the English, the code and params the board phrases in its own language
    expect(validateSite(s)['depots.0.position.lat']).toMatchObject({ code: 'too_big', params: { origin: 'number', maximum: 90, inclusive: true } });
    expect(validateSite(s)['depots.0.sensors.1.intervalS']).toMatchObject({ code: 'invalid_type', params: { expected: 'number' } });
  });

  it('cross-references the schema checks once the fields are well formed: unknown zones, duplicate ids', () => {
    let s = setIn(site(), ['depots', 0, 'sensors', 0, 'zone'], 'Z9');
    s = setIn(s, ['depots', 0, 'zones', 1, 'id'], 'A');
    const e = validateSite(s);
    expect(e['depots.0.zones.1.id']).toEqual({ code: 'duplicate_id', params: { what: 'zone', id: 'A' }, message: 'duplicate zone id "A"' });
    expect(e['depots.0.sensors.0.zone']).toEqual({ code: 'unknown_zone', params: { id: 'Z9', depot: 'D1' }, message: 'unknown zone "Z9" in depot D1' });
    expect(errorsUnder(e, ['depots', 0]).length).toBeGreaterThanOrEqual(2);
    expect(errorsUnder(e, ['depots', 1])).toEqual([]);
  });

  it('number fields: empty is unset, a comma decimal is a number, anything else stays text for the schema to name', () => {
    expect(numberInput('')).toBeUndefined();
    expect(numberInput(' 12,5 ')).toBe(12.5);
    expect(numberInput('-3')).toBe(-3);
    expect(numberInput('abc')).toBe('abc');
    expect(optionalText('  ')).toBeUndefined();
    expect(optionalText('Kho A')).toBe('Kho A');
  });

  it('setIn copies only the path it changes and removes a key set to undefined', () => {
    const s = site();
    const next = setIn(s, ['depots', 0, 'nameEn'], 'Depot one');
    expect(next.depots[0]!.nameEn).toBe('Depot one');
    expect(next.depots[1]).toBe(s.depots[1]);
    expect(next.regions).toBe(s.regions);
    expect(s.depots[0]!.nameEn).toBeUndefined();
    const back = setIn(next, ['depots', 0, 'nameEn'], undefined);
    expect('nameEn' in back.depots[0]!).toBe(false);
  });

  it('adds a depot, zone, sensor and camera with fresh ids the schema accepts, and removes them', () => {
    const { site: s1, index } = addDepot(site());
    expect(index).toBe(2);
    expect(s1.depots[2]!.id).toBe('NEW1');
    let s = addCamera(addSensor(addZone(s1, index), index), index);
    expect(s.depots[2]!.zones.map((z) => z.id)).toEqual(['Z1', 'Z2']);
    expect(s.depots[2]!.sensors[0]).toMatchObject({ id: 'S1', zone: 'Z1' });
    expect(s.depots[2]!.cameras[0]).toMatchObject({ id: 'CAM1', zone: 'Z1' });
    expect(validateSite(s)).toEqual({});
    s = removeItem(s, 0, 'sensors', 0);
    expect(s.depots[0]!.sensors.map((x) => x.id)).not.toContain('T1');
    expect(removeDepot(s, 2).depots.map((d) => d.id)).toEqual(['D1', 'D2']);
    expect(freshId('S', ['S1', 'S2', 'S4'])).toBe('S3');
  });

  it('removing a zone that still has devices is refused by the schema beside the devices, not silently', () => {
    const s = removeItem(site(), 0, 'zones', 1); // P holds F1, C2, C3
    const e = validateSite(s);
    expect(Object.keys(e).sort()).toEqual(['depots.0.cameras.1.zone', 'depots.0.cameras.2.zone', 'depots.0.sensors.4.zone']);
  });

  it('a removed depot takes its collector account with it', () => {
    const s: SiteConfig = { ...site(), collectors: [{ depot: 'D2', passwordHash: '$argon2id$x' }] };
    expect(removeDepot(s, 1).collectors).toEqual([]);
  });

  it('summarises a change for the version comment', () => {
    const before = site();
    const after = removeItem(addSensor(before, 0), 1, 'sensors', 0);
    expect(changeSummary(before, after)).toBe('D1: +S1; D2: −G1');
    expect(changeSummary(before, addDepot(before).site)).toBe('+NEW1');
  });

  it('validates a rule with the shared rule schema, field by field', () => {
    expect(validateRule('threshold', { id: 'r', kind: 'temperature', high: 30, deadband: 1, severity: 'major' })).toEqual({});
    expect(messages(validateRule('threshold', { id: 'r', kind: 'temperature', high: 'x', deadband: -1, severity: 'major' }))).toEqual({
      high: 'Invalid input: expected number, received string', deadband: 'Too small: expected number to be >=0',
    });
    expect(validateRule('threshold', { id: 'r', kind: 'temperature', severity: 'major' })).toEqual({ '(rule)': { code: 'needs_high_or_low', params: {}, message: 'needs high or low' } });
    expect(validateRule('rate', { id: 'r', kind: 'temperature', maxPerMin: 0, severity: 'major' })).toEqual({
      maxPerMin: { code: 'too_small', params: { origin: 'number', minimum: 0, inclusive: false }, message: 'Too small: expected number to be >0' },
    });
  });
});

describe('rule editor transforms (web/src/lib/transforms/rule-edit.ts)', () => {
  const rule = (over: Partial<ThresholdRule> = {}): ThresholdRule => ({ ...(site().rules.thresholds.find((r) => r.id === 'ammo-temp-high')!), ...over });

  it('lists every rule by type and finds one', () => {
    const all = listRules(site().rules);
    expect(all.filter((r) => r.type === 'threshold').length).toBe(site().rules.thresholds.length);
    expect((findRule(site().rules, { type: 'threshold', id: 'ammo-temp-high' })?.rule as ThresholdRule | undefined)?.high).toBe(30);
    expect(findRule(site().rules, { type: 'state', id: 'ammo-temp-high' })).toBeNull();
  });

  it('finds the sensors a rule covers by kind and zone type', () => {
    expect(sensorsFor(site(), rule()).map((c) => `${c.depot.id}/${c.sensor.id}`)).toEqual(['D1/T1']);
    expect(sensorsFor(site(), { kind: 'temperature' }).map((c) => `${c.depot.id}/${c.sensor.id}`)).toEqual(['D1/T1', 'D2/T1']);
  });

  it('a zone\'s limit replaces the rule\'s in the direction the rule sets, as the live engine does', () => {
    const tank = site().depots[1]!.zones[0]!;
    expect(effectiveLimits(rule({ high: 35 }), tank, 'temperature')).toEqual({ high: 33 });
    expect(effectiveLimits(rule({ high: undefined, low: 5 }), tank, 'temperature')).toEqual({ low: 5 });
    expect(effectiveLimits(null, tank, 'temperature')).toEqual({});
  });

  it('puts a changed rule back in place and adds a new one after the others', () => {
    const s = replaceRule(site(), { type: 'threshold', rule: rule({ high: 28 }) });
    expect(s.rules.thresholds.findIndex((r) => r.id === 'ammo-temp-high')).toBe(site().rules.thresholds.findIndex((r) => r.id === 'ammo-temp-high'));
    expect(s.rules.thresholds.find((r) => r.id === 'ammo-temp-high')?.high).toBe(28);
    const added = replaceRule(site(), { type: 'threshold', rule: rule({ id: 'warm' }) });
    expect(added.rules.thresholds.at(-1)?.id).toBe('warm');
    expect(validateSite(s)).toEqual({});
  });

  it('says what changed in a rule', () => {
    expect(ruleChangeText(rule(), rule({ high: 28, onDelayS: 30 }))).toBe('ammo-temp-high: high 30 → 28, onDelayS 0 → 30');
    expect(ruleChangeText(null, rule())).toBe('ammo-temp-high: new');
  });

  it('reads a backtest answer: the counts, and the alarms as spans (an open one runs to the window end)', () => {
    const res: BacktestResponse = {
      depot: 'D1', ruleId: 'ammo-temp-high', from: 0, to: 1000, samples: 100, elapsedMs: 3, historyMs: 1, sensors: [],
      current: { alarms: 0, alarmMs: 0, list: [] },
      proposed: { alarms: 2, alarmMs: 500, list: [{ sensor: 'T1', code: 'threshold_high', start: 100, end: 200, peak: 31 }, { sensor: 'T2', code: 'threshold_high', start: 600, end: null, peak: 29 }] },
    };
    expect(backtestSummary(res)).toEqual({ current: 0, proposed: 2, currentMs: 0, proposedMs: 500, samples: 100 });
    expect(backtestSummary({ ...res, current: null }).current).toBeNull();
    expect(alarmSpans(res.proposed.list, res.to)).toEqual([{ from: 100, to: 200, peak: 31 }, { from: 600, to: 1000, peak: 29 }]);
    expect(alarmSpans(res.proposed.list, res.to, 'T2')).toEqual([{ from: 600, to: 1000, peak: 29 }]);
  });

  it('phrases a refused backtest from its code and params, never the server\'s English', () => {
    const refused = (status: number, error: string, params?: Record<string, number>) =>
      new ApiRequestError(status, { error, message: 'English for the logs', ...(params ? { params } : {}) });
    const vi = (e: unknown) => { const p = backtestProblem(e); return translate('vi', p.key, p.params); };
    expect(vi(refused(413, 'too_large', { sensors: 1, days: 30, readings: 5184000, max: 5000000, fitDays: 28.9 })))
      .toBe('30 ngày của cảm biến này là khoảng 5184000 số đo, một lần chạy thử tối đa 5000000: hãy chọn tối đa 28.9 ngày.');
    expect(backtestProblem(refused(413, 'too_large', { sensors: 3, days: 30, readings: 5443200, max: 5000000, fitDays: 27.5 })).key).toBe('rules.backtest.tooMany');
    expect(backtestProblem(refused(413, 'too_large', { sensors: 3, days: 30, max: 5000000 })).key).toBe('rules.backtest.tooDense');
    expect(vi(refused(503, 'busy', { running: 2 }))).toBe('Đang có 2 lần chạy thử khác, nhiều nhất cho phép cùng lúc: hãy thử lại khi một lần đã xong.');
    expect(backtestProblem(refused(503, 'telemetry_unavailable')).key).toBe('rules.backtest.noHistory');
    // anything else as every other refusal is: a 404 is "not found", a lost connection a network fault
    expect(backtestProblem(refused(404, 'not_found')).key).toBe('error.notFound');
    expect(backtestProblem(new TypeError('fetch failed')).key).toBe('error.network');
  });
});

describe('a refused save (web/src/lib/api/engineer-config.ts)', () => {
  it('409 and 428 are version conflicts with the running version when the server names it; 400 lists the fields', () => {
    const conflict = new ApiRequestError(409, { error: 'version_conflict', message: 'the change is based on version 3, but version 5 is running now: reload, merge and send it again' });
    expect(refusalOf(conflict)).toEqual({ kind: 'conflict', currentVersion: 5 });
    expect(refusalOf(new ApiRequestError(428, { error: 'precondition_required', message: 'name the version' }))).toEqual({ kind: 'conflict', currentVersion: null });
    const fields = [{ path: 'depots[0].name', message: 'too short' }];
    expect(refusalOf(new ApiRequestError(400, { error: 'bad_request', message: 'x', fields }))).toEqual({ kind: 'invalid', fields });
    expect(refusalOf(new Error('boom')).kind).toBe('other');
  });
});

describe('saveVersion: the one save flow of the engineer\'s tabs (web/src/lib/api/engineer-config.ts)', () => {
  const running = (): RunningConfigView => ({ n: 4, at: 0, author: 'eng', comment: '', source: 'api', rollbackOf: null, hash: 'h', changes: 0, config: site() });
  /** an ApiClient whose server answers every call with `status` and `body`, recording what was sent */
  function client(status: number, body: unknown) {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      sent.push({ method: init.method ?? 'GET', url, body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    return { http: new ApiClient({ getToken: () => 't', getCsrfToken: () => null, onUnauthorized: () => undefined, fetch }), sent };
  }

  it('builds the next configuration from the running one and PUTs it based on that version', async () => {
    const { http, sent } = client(200, { changed: true, version: { n: 5 }, diff: [] });
    const r = await saveVersion(http, running(), (c) => setIn(c, ['depots', 0, 'name'], 'Kho mới'), 'rename');
    expect(r).toMatchObject({ ok: true, result: { version: { n: 5 } } });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'PUT', url: '/api/config', body: { baseVersion: 4, comment: 'rename', config: { depots: [{ name: 'Kho mới' }, {}] } } });
  });

  it('a 409 is a conflict naming the running version, a 400 lists the schema\'s paths; neither throws', async () => {
    const c = await saveVersion(client(409, { error: 'version_conflict', message: 'the change is based on version 4, but version 6 is running now: reload' }).http, running(), site(), '');
    expect(c).toMatchObject({ ok: false, kind: 'conflict', currentVersion: 6 });
    const fields = [{ path: 'depots.0.name', message: 'Too small' }];
    const bad = await saveVersion(client(400, { error: 'bad_request', message: 'invalid configuration: depots.0.name', fields }).http, running(), site(), '');
    expect(bad).toMatchObject({ ok: false, kind: 'invalid', fields });
    if (!bad.ok) expect(bad.error).toBeInstanceOf(ApiRequestError);
  });
});

describe('creating and deleting rules (web/src/lib/transforms/rule-edit.ts)', () => {
  it('a new rule is checked against the whole site with the server\'s schema: its own fields, and an id another rule has', () => {
    const s = site();
    const fresh = { type: 'threshold' as const, rule: newRule('threshold', 'store-a-28', 'temperature') as ThresholdRule };
    expect(messages(ruleErrors(s, fresh, true))).toEqual({ '(rule)': 'needs high or low' });
    const ok = { type: 'threshold' as const, rule: { ...fresh.rule, high: 28 } };
    expect(ruleErrors(s, ok, true)).toEqual({});
    // "smoke" is a state rule's id: a threshold may not take it, whatever its list
    expect(ruleErrors(s, { type: 'threshold', rule: { ...ok.rule, id: 'smoke' } }, true)).toEqual({ id: { code: 'duplicate_id', params: { what: 'rule', id: 'smoke' }, message: 'duplicate rule id "smoke"' } });
    expect(ruleErrors(s, { type: 'threshold', rule: { ...ok.rule, id: 'bad id!' } }, true).id?.message).toMatch(/must match/);
    const placed = placeRule(s, ok, true);
    expect(placed.site.rules.thresholds[placed.index]).toEqual(ok.rule);
    expect(placed.site.rules.thresholds).toHaveLength(s.rules.thresholds.length + 1);
  });

  it('changing a new rule\'s type keeps what both types share; zone types ticked off to none means every zone', () => {
    const t = { ...(newRule('threshold', 'r1', 'humidity') as ThresholdRule), high: 80, onDelayS: 30, severity: 'minor' as const, zoneTypes: ['fuel_store' as const] };
    expect(retypeRule(t, 'rate')).toEqual({ id: 'r1', kind: 'humidity', maxPerMin: 1, onDelayS: 30, offDelayS: 0, severity: 'minor', zoneTypes: ['fuel_store'] });
    const two = toggleZoneType(t, 'ammunition_store', true);
    expect(two.zoneTypes).toEqual(['fuel_store', 'ammunition_store']);
    const none = toggleZoneType(toggleZoneType(two, 'fuel_store', false), 'ammunition_store', false);
    expect('zoneTypes' in none).toBe(false);
    expect(validateRule('threshold', none)).toEqual({});
  });

  it('deleting takes the rule out of its own list only', () => {
    const s = site();
    const next = removeRule(s, { type: 'state', id: 'smoke' });
    expect(findRule(next.rules, { type: 'state', id: 'smoke' })).toBeNull();
    expect(next.rules.states).toHaveLength(s.rules.states.length - 1);
    expect(next.rules.thresholds).toBe(s.rules.thresholds);
  });
});

describe('collector accounts on the Collectors tab (web/src/lib/transforms/collector-accounts.ts)', () => {
  it('one row per depot with its account\'s state; disable, enable and remove send the masked hash back untouched', () => {
    const s: SiteConfig = { ...site(), collectors: [{ depot: 'D1', passwordHash: '$argon2id$hidden' }] };
    expect(accountRows(s).map((r) => [r.depot, r.state])).toEqual([['D1', 'active'], ['D2', 'none']]);
    const off = setDisabled(s, 'D1', true);
    expect(off.collectors).toEqual([{ depot: 'D1', passwordHash: '$argon2id$hidden', disabled: true }]);
    expect(accountRows(off)[0]?.state).toBe('disabled');
    expect(setDisabled(off, 'D1', false).collectors).toEqual(s.collectors);
    expect(removeAccount(s, 'D1').collectors).toEqual([]);
    expect(validateSite(off)).toEqual({});
  });

  it('a generated password is long enough for the policy and uses only unambiguous letters and digits', () => {
    let seed = 7;
    const random = (b: Uint8Array) => b.map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    const p = generatePassword(random);
    expect(p).toHaveLength(24);
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/);
    expect(generatePassword(random)).not.toBe(p);
  });
});
