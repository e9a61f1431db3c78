import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../config/loader.js';
import type { SiteConfig } from '../../config/schema.js';
import type { AlarmView, AuditEntry, HandoverReport } from '../../server/src/contracts/alarms.js';
import type { ApiError, DepotDetail } from '../../server/src/contracts/api.js';
import type { ConfigChangeResult, ConfigConflict, RunningConfigView } from '../../server/src/contracts/config.js';
import type { EquipmentResponse } from '../../server/src/contracts/equipment.js';
import type { VersionDigest } from '../../server/src/services/equipment-service.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, waitFor, type TestSystem } from '../helpers/system.js';

/**
 * Issue 8 §3 against the whole running system: the equipment register is versioned configuration;
 * `GET /api/equipment?code=` finds a device in the caller's scope; a CSV import is one new version (a bad
 * row a 400 naming its row and column, nothing stored); the codes reach the depot view, the alarms and
 * the handover report.
 */
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

function withRegister(): SiteConfig {
  const s = structuredClone(smallSite()) as unknown as { depots: { sensors: Record<string, unknown>[]; collector?: unknown }[] };
  // calibrated 400 days ago on a yearly interval: overdue by the real clock of the running system
  Object.assign(s.depots[0]!.sensors[0]!, { code: 'DW-D1-T1', model: 'HMP60', serial: 'S-1', calibrated: isoDay(Date.now() - 400 * DAY), calibrationIntervalDays: 365 });
  Object.assign(s.depots[1]!.sensors[0]!, { code: 'DW-D2-G1', calibrationDue: isoDay(Date.now() + 10 * DAY) });
  return s as unknown as SiteConfig;
}

type Who = 'admin' | 'officer' | 'guardD1' | 'guardD2' | 'engineer' | 'display';
const ACCOUNTS: Record<Exclude<Who, 'admin'>, { role: string; depots: string[] | null }> = {
  officer: { role: 'officer', depots: null }, guardD1: { role: 'guard', depots: ['D1'] }, guardD2: { role: 'guard', depots: ['D2'] },
  engineer: { role: 'engineer', depots: null }, display: { role: 'display', depots: null },
};

describe('the equipment register', () => {
  let t: TestSystem;
  const token = {} as Record<Who, string>;
  const get = <T>(path: string, who: Who = 'engineer') => t.api<T & ApiError>(path, token[who]);
  const raw = (path: string, who: Who, init: RequestInit = {}) =>
    fetch(`${t.base}${path}`, { ...init, headers: { authorization: `Bearer ${token[who]}`, ...(init.headers ?? {}) } });
  const importCsv = async (csv: string, who: Who = 'engineer', comment = '') => {
    const r = await raw(`/api/config/equipment?comment=${encodeURIComponent(comment)}`, who, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    return { status: r.status, body: (await r.json()) as ConfigChangeResult & ApiError & ConfigConflict };
  };
  const version = async () => (await get<RunningConfigView>('/api/config')).body.n;

  beforeAll(async () => {
    t = await startTestSystem({ site: withRegister() });
    token.admin = await t.login();
    for (const [who, a] of Object.entries(ACCOUNTS)) {
      const r = await t.api('/api/users', token.admin, { method: 'POST', body: JSON.stringify({ username: who, password: `${who}-password-long`, mustChangePassword: false, ...a }) });
      expect(r.status).toBe(201);
      token[who as Who] = await t.login(who, `${who}-password-long`);
    }
  });
  afterAll(() => t?.stop());

  it('finds a device by its exact code, or by the beginning of it, with its depot, zone and register', async () => {
    const r = await get<EquipmentResponse>('/api/equipment?code=dw-d1-t1');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      depot: 'D1', depotName: 'Kho D1', type: 'sensor', id: 'T1', zone: 'A', zoneName: 'Store A', kind: 'temperature',
      register: { code: 'DW-D1-T1', model: 'HMP60', serial: 'S-1', calibrationIntervalDays: 365 }, calibration: { state: 'overdue' },
    });
    const prefix = await get<EquipmentResponse>('/api/equipment?code=DW-');
    expect(prefix.body.items.map((i) => i.register.code)).toEqual(['DW-D1-T1', 'DW-D2-G1']);
    expect(prefix.body.counts).toMatchObject({ overdue: 1, dueSoon: 1 });
    const due = await get<EquipmentResponse>('/api/equipment?due=1&soonDays=5');
    expect(due.body.items.map((i) => i.id)).toEqual(['T1']);
    expect((await get<EquipmentResponse>('/api/equipment?code=NOPE')).body.items).toEqual([]);
  });

  it('refuses a bad query with a 400 naming each field', async () => {
    const r = await get('/api/equipment?soonDays=-1&colour=red&depot=../x');
    expect(r.status).toBe(400);
    expect((r.body.fields ?? []).map((f) => f.path).sort()).toEqual(['(body)', 'depot', 'soonDays']);
  });

  it('role cells: engineers, admins and officers read the register; guards only their depots; displays nothing; only engineers and admins export and import', async () => {
    const cells: [Who, number, number, number][] = [];
    for (const who of ['admin', 'officer', 'guardD1', 'guardD2', 'engineer', 'display'] as Who[]) {
      const search = await get<EquipmentResponse>('/api/equipment?code=DW-D1', who);
      const csv = await raw('/api/config/equipment', who);
      const imp = await importCsv('depot,type,id,model\nD1,sensor,H1,probe\n', who, `by ${who}`);
      cells.push([who, search.status === 200 ? search.body.items.length : search.status, csv.status, imp.status]);
    }
    expect(cells).toEqual([
      ['admin', 1, 200, 200], ['officer', 1, 403, 403], ['guardD1', 1, 403, 403], ['guardD2', 0, 403, 403], ['engineer', 1, 200, 200], ['display', 403, 403, 403],
    ]);
    // another depot's equipment stays hidden, even named
    expect((await get('/api/equipment?depot=D1', 'guardD2')).status).toBe(403);
    expect((await get<EquipmentResponse>('/api/equipment', 'guardD2')).body.items.every((i) => i.depot === 'D2')).toBe(true);
    // the refused imports left no version behind
    const audit = (await t.api<AuditEntry[]>('/api/audit?action=config.version', token.admin)).body;
    expect(audit.map((a) => a.actor).filter((a) => a !== 'system').sort()).toEqual(['admin']);
  });

  it('a CSV import is one new version with its comment and audit entry, and the codes reach the depot view', async () => {
    const before = await version();
    const csv = await raw('/api/config/equipment', 'engineer');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`depotwatch-equipment-v${before}.csv`);
    // the byte-order mark stays (a spreadsheet needs it for the Vietnamese names); fetch's text() would hide it
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.split('\r\n')[0]).toBe('\uFEFFdepot,type,id,zone,name,code,model,serial,commissioned,calibrated,calibration_interval_days,calibration_due');
    // the spreadsheet comes back with two more codes: the smoke detector and the first camera
    const edited = text.replace(/^D1,sensor,SM1,A,,,/m, 'D1,sensor,SM1,A,,DW-D1-SM1,').replace(/^D1,camera,C1,A,,,/m, 'D1,camera,C1,A,,DW-D1-C1,');
    expect(edited).not.toBe(text);
    const r = await importCsv(edited, 'engineer', 'tags fitted in store A');
    expect(r.status).toBe(200);
    expect(r.body.version).toMatchObject({ n: before + 1, author: 'engineer', comment: 'tags fitted in store A', source: 'api' });
    expect(r.body.diff.map((c) => c.path).sort()).toEqual(['depots[D1].cameras[C1].code', 'depots[D1].sensors[SM1].code']);
    const audit = (await t.api<AuditEntry[]>('/api/audit?action=config.version', token.admin)).body[0];
    expect(audit).toMatchObject({ actor: 'engineer', target: `config:${before + 1}`, note: 'tags fitted in store A' });
    expect((await get<EquipmentResponse>('/api/equipment?code=DW-D1-SM1')).body.items[0]).toMatchObject({ id: 'SM1', depot: 'D1' });
    await waitFor(async () => {
      const d = (await t.api<DepotDetail>('/api/depots/D1', token.guardD1)).body;
      return d.sensors.find((s) => s.id === 'SM1')?.equipmentCode === 'DW-D1-SM1' && d.cameras.find((c) => c.id === 'C1')?.equipmentCode === 'DW-D1-C1';
    }, 5000, 'codes in the depot view');
    // importing the same file again changes nothing and makes no version
    const again = await importCsv(edited);
    expect(again.body).toMatchObject({ changed: false, version: { n: before + 1 } });
  });

  it('a bad CSV is a 400 naming each row and column, and nothing is stored', async () => {
    const before = await version();
    const r = await importCsv('depot,type,id,calibration_due,code\nD1,sensor,T1,2026-02-30,DW-D1-T1\nD1,sensor,NOPE,,X\nD2,sensor,G1,,dw-d1-sm1\n');
    expect(r.status).toBe(400);
    expect(r.body.fields).toEqual([{ path: 'rows[2].calibration_due', message: 'is not a calendar date', code: 'not_calendar_date', params: {} }]);
    const r2 = await importCsv('depot,type,id,code\nD1,sensor,NOPE,X\nD2,sensor,G1,dw-d1-sm1\n');
    expect(r2.status).toBe(400);
    expect(r2.body.fields?.map((f) => f.path)).toEqual(['rows[2].id']);
    const r3 = await importCsv('depot,type,id,code\nD2,sensor,G1,dw-d1-sm1\n');
    expect(r3.body.fields).toEqual([{
      path: 'rows[2].code', message: 'code "dw-d1-sm1" is already used by sensor SM1 of depot D1',
      code: 'code_taken', params: { code: 'dw-d1-sm1', what: 'sensor', id: 'SM1', depot: 'D1' },
    }]);
    expect(r3.body.message).toContain('row 2, column code');
    const empty = await importCsv(' ');
    expect(empty.status).toBe(400);
    const json = await t.api<ApiError>('/api/config/equipment', token.engineer, { method: 'POST', body: JSON.stringify({ csv: 5, colour: 1 }) });
    expect(json.status).toBe(400);
    expect(json.body.fields?.map((f) => f.path).sort()).toEqual(['(body)', 'csv']);
    expect(await version()).toBe(before);
  });

  it('a stale base version is a 409 that loses nothing', async () => {
    const n = await version();
    const r = await t.api<ConfigConflict>('/api/config/equipment', token.engineer, { method: 'POST', body: JSON.stringify({ csv: 'depot,type,id,model\nD2,sensor,G1,GX\n', baseVersion: n - 1 }) });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'version_conflict', currentVersion: n });
    expect(await version()).toBe(n);
  });

  it('the code is on the alarm and in the handover report, as JSON and CSV', async () => {
    await t.mqtt.publishAsync('depots/D1/sensors/SM1', JSON.stringify({ kind: 'smoke', value: 1 }), { qos: 1 });
    const alarm = await waitFor(async () => (await t.api<AlarmView[]>('/api/alarms', token.officer)).body.find((a) => a.id === 'D1/smoke:SM1'), 5000, 'smoke alarm');
    expect(alarm.device).toMatchObject({ type: 'sensor', id: 'SM1', equipmentCode: 'DW-D1-SM1' });
    const from = Date.now() - 3600_000;
    const to = Date.now() + 1000;
    const report = await t.api<HandoverReport>(`/api/reports/handover?from=${from}&to=${to}`, token.officer);
    expect(report.body.incidents.flatMap((i) => i.alarms).find((a) => a.id === 'D1/smoke:SM1')?.device.equipmentCode).toBe('DW-D1-SM1');
    const csv = await (await raw(`/api/reports/handover?from=${from}&to=${to}&format=csv`, 'officer')).text();
    const head = csv.split('\r\n')[0]!;
    expect(head).toMatch(/,what,equipment$/);
    expect(csv.split('\r\n').some((l) => l.startsWith('incident,') && l.endsWith(',DW-D1-SM1'))).toBe(true);
  });

  it('exports any version as YAML that loads back, and lists versions with their first changes', async () => {
    const v1 = await raw('/api/config/export?version=1', 'engineer');
    expect(v1.status).toBe(200);
    expect(v1.headers.get('content-disposition')).toContain('depotwatch-config-v1.yaml');
    expect(parseSiteConfig([{ name: 'v1.yaml', text: await v1.text() }])).toEqual(parseSiteConfig([{ name: 'a.yaml', text: JSON.stringify(withRegister()) }]));
    const now = await raw('/api/config/export', 'engineer');
    expect(now.headers.get('content-disposition')).toContain(`depotwatch-config-v${await version()}.yaml`);
    expect((await raw('/api/config/export?version=999', 'engineer')).status).toBe(404);
    expect((await raw('/api/config/export?version=1', 'officer')).status).toBe(403);
    const digest = await get<VersionDigest[]>('/api/config/digest?limit=10');
    expect(digest.body[0]!.n).toBe(await version());
    expect(digest.body.at(-1)).toMatchObject({ n: 1, head: [] });
    expect(digest.body.find((d) => d.comment === 'tags fitted in store A')?.head.map((c) => c.path).sort()).toEqual(['depots[D1].cameras[C1].code', 'depots[D1].sensors[SM1].code']);
    expect((await get('/api/config/digest', 'guardD1')).status).toBe(403);
  });
});
