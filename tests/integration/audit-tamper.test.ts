import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditVerifyResult } from '../../server/src/contracts/alarms.js';
import { chainHash, GENESIS, type ChainRow } from '../../server/src/domain/audit-chain.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * Someone with the database file edits the audit log the way an attacker would (drop the trigger,
 * change a row; then rewrite every hash after it). GET /api/audit/verify and `npm run audit:verify`
 * name the first broken entry; only the anchored head catches the full rewrite.
 */
describe('the audit chain against an edited database file', () => {
  let t: TestSystem;
  let dataDir: string;
  let admin: string;
  const dbPath = () => join(dataDir, 'depotwatch.db');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dw-audit-'));
    t = await startTestSystem({ site: smallSite(), env: { DATA_DIR: dataDir } });
    admin = await t.login();
    for (const u of ['officer1', 'officer2']) {
      expect((await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username: u, password: `${u}-password-long`, role: 'officer', depots: null, mustChangePassword: false }) })).status).toBe(201);
      await t.login(u, `${u}-password-long`);
    }
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verify = async () => (await t.api<AuditVerifyResult>('/api/audit/verify', admin)).body;
  /** the CLI as an operator runs it, against the server's live database file (asynchronously: the server runs in this process) */
  const cli = (...args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(join('node_modules', '.bin', 'tsx'), ['scripts/audit-verify.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: `${stdout}${stderr}`.trim() }));
  });

  it('holds, refuses UPDATE and DELETE through SQLite, and finds the edited row once the trigger is dropped', async () => {
    const before = await verify();
    expect(before).toMatchObject({ ok: true });
    if (!before.ok || !before.head) throw new Error('no head');
    expect(before.entries).toBeGreaterThanOrEqual(5);
    // the head an operator keeps outside the database (the server logs it at start and on every verification)
    const anchor = `${before.head.id}:${before.head.hash}`;

    const db = new Database(dbPath());
    try {
      expect(() => db.prepare("UPDATE audit SET note = 'x' WHERE id = 2").run()).toThrow(/cannot be changed/);
      expect(() => db.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/cannot be deleted/);
      // the attacker's way round: drop the trigger, make officer1's login look like someone else's
      const victim = db.prepare<[], { id: number }>("SELECT id FROM audit WHERE action = 'login' AND actor = 'officer1'").get()!.id;
      db.exec('DROP TRIGGER audit_append_only_update');
      db.prepare("UPDATE audit SET actor = 'officer2', target = 'user:officer2' WHERE id = ?").run(victim);

      const broken = await verify();
      expect(broken).toMatchObject({ ok: false, firstBroken: { id: victim, reason: 'content' } });
      const cliBroken = await cli();
      expect(cliBroken.code).toBe(1);
      expect(cliBroken.out).toContain(`broken at entry ${victim}`);

      // a careful attacker recomputes every hash from the edit on: the chain holds again on its own…
      db.transaction(() => {
        const rows = db.prepare<[], ChainRow>('SELECT id, at, actor, action, target, depot, note, detail, hash FROM audit ORDER BY id').all();
        let prev = GENESIS;
        const set = db.prepare('UPDATE audit SET hash = ? WHERE id = ?');
        for (const r of rows) {
          prev = chainHash(prev, r);
          if (prev !== r.hash) set.run(prev, r.id);
        }
      })();
      expect(await verify()).toMatchObject({ ok: true });
      // …but not against the head recorded before (the log line or the CLI's output, kept elsewhere)
      const anchored = await cli('--anchor', anchor);
      expect(anchored.code).toBe(1);
      expect(anchored.out).toContain('no longer has the anchored hash');
    } finally {
      db.close();
    }
  });

  it('reads of the log and the verification itself are in the log; other roles may not verify', async () => {
    await t.api<AuditEntry[]>('/api/audit?limit=1', admin);
    const entries = (await t.api<AuditEntry[]>('/api/audit?limit=50', admin)).body;
    expect(entries.some((e) => e.action === 'audit.verify' && e.actor === 'admin')).toBe(true);
    expect(entries.find((e) => e.action === 'audit.read')).toMatchObject({ actor: 'admin', detail: { limit: 1, returned: 1 } });
    const guard = await t.api('/api/users', admin, { method: 'POST', body: JSON.stringify({ username: 'guard1', password: 'guard1-password-long', role: 'guard', depots: ['D1'], mustChangePassword: false }) });
    expect(guard.status).toBe(201);
    expect((await t.api('/api/audit/verify', await t.login('guard1', 'guard1-password-long'))).status).toBe(403);
  });
});
