import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteAlarmStore } from '../../server/src/adapters/sqlite/alarm-store.js';
import { openStateDb } from '../../server/src/adapters/sqlite/state-db.js';
import { chainHash, createChainVerifier, formatAnchor, GENESIS, parseAnchor, type ChainRow } from '../../server/src/domain/audit-chain.js';
import type { AuditInput } from '../../server/src/ports/alarm-store.js';
import { verdictSentence, verifyAuditChain } from '../../server/src/services/audit-verify.js';

const entry = (i: number, extra: Partial<AuditInput> = {}): AuditInput => ({ at: 1000 + i, actor: `user${i % 3}`, action: 'incident.ack', target: `INC-${i}`, depot: 'D1', note: `note ${i}`, detail: { n: i }, ...extra });

function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS;
  for (let id = 1; id <= n; id++) {
    const r = { id, at: id, actor: 'a', action: 'x', target: 't', depot: null, note: null, detail: id % 2 ? null : '{"k":1}' };
    prev = chainHash(prev, r);
    rows.push({ ...r, hash: prev });
  }
  return rows;
}

describe('the audit hash chain (pure)', () => {
  it('holds for an untouched chain, fed in pages', () => {
    const v = createChainVerifier();
    const rows = chain(10);
    expect(v.feed(rows.slice(0, 4))).toBe(true);
    expect(v.feed(rows.slice(4))).toBe(true);
    expect(v.verdict(10)).toEqual({ ok: true, entries: 10, head: { id: 10, hash: rows[9]!.hash } });
  });

  it('names the first entry whose content was changed, even with its own hash recomputed', () => {
    const rows = chain(6);
    const edited = rows.map((r) => (r.id === 3 ? { ...r, note: 'nothing happened' } : r));
    const v1 = createChainVerifier();
    v1.feed(edited);
    expect(v1.verdict(6)).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 3, reason: 'content' } });
    // the attacker fixes entry 3's hash: entry 4 no longer chains to it
    const rehashed = edited.map((r) => (r.id === 3 ? { ...r, hash: chainHash(rows[1]!.hash!, r) } : r));
    const v2 = createChainVerifier();
    v2.feed(rehashed);
    expect(v2.verdict(6)).toMatchObject({ ok: false, firstBroken: { id: 4, reason: 'content' } });
  });

  it('reports deleted and reordered entries', () => {
    const rows = chain(6);
    const v1 = createChainVerifier();
    v1.feed(rows.filter((r) => r.id !== 4));
    expect(v1.verdict(5)).toMatchObject({ ok: false, firstBroken: { id: 5, reason: 'gap' } });
    const v2 = createChainVerifier();
    v2.feed([rows[0]!, rows[2]!, rows[1]!]);
    expect(v2.verdict(3)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'gap' } });
    const v3 = createChainVerifier();
    v3.feed([rows[0]!, rows[1]!, rows[1]!]);
    expect(v3.verdict(3)).toMatchObject({ ok: false, checked: 2, firstBroken: { id: 2, reason: 'order' } });
  });

  it('catches a whole rewritten chain only through an anchor kept elsewhere', () => {
    const rows = chain(5);
    const anchor = parseAnchor(formatAnchor({ id: 3, hash: rows[2]!.hash! }))!;
    // a consistent forgery: every hash recomputed after an edit of entry 2
    let prev = GENESIS;
    const forged = rows.map((r) => {
      const c = r.id === 2 ? { ...r, note: 'forged' } : r;
      prev = chainHash(prev, c);
      return { ...c, hash: prev };
    });
    const alone = createChainVerifier();
    alone.feed(forged);
    expect(alone.verdict(5).ok).toBe(true);
    const anchored = createChainVerifier();
    anchored.feed(forged);
    anchored.checkAnchor(anchor, forged[2]!.hash!);
    expect(anchored.verdict(5)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'anchor' } });
    const cut = createChainVerifier();
    cut.feed(rows.slice(0, 2));
    cut.checkAnchor(anchor, undefined);
    expect(cut.verdict(2)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: 'anchor', message: expect.stringContaining('cut back') } });
    expect(parseAnchor('3:xyz')).toBeNull();
  });
});

describe('the audit table in SQLite', () => {
  it('chains every entry the store writes, and triggers refuse UPDATE and DELETE', async () => {
    const db = openStateDb(':memory:');
    const store = createSqliteAlarmStore(db);
    for (let i = 0; i < 12; i++) store.commit({ audit: [entry(i)] });
    store.commit({ audit: [entry(12), entry(13, { detail: null, depot: null, note: null })] });
    const verdict = await verifyAuditChain(store, { pageSize: 5 });
    expect(verdict).toMatchObject({ ok: true, entries: 14, head: { id: 14 } });
    expect(verdictSentence(verdict)).toMatch(/^The audit chain holds: 14 entries, head 14:[0-9a-f]{64}\.$/);
    expect(() => db.prepare("UPDATE audit SET note = 'x' WHERE id = 3").run()).toThrow(/cannot be changed/);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 14').run()).toThrow(/cannot be deleted/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/cannot be deleted/);

    // what someone holding the file can do: drop the trigger and edit; the verifier names the entry
    db.exec('DROP TRIGGER audit_append_only_update');
    db.prepare("UPDATE audit SET actor = 'somebody-else' WHERE id = 7").run();
    const broken = await verifyAuditChain(store, { pageSize: 5 });
    expect(broken).toMatchObject({ ok: false, entries: 14, checked: 6, firstBroken: { id: 7, reason: 'content' } });
    expect(verdictSentence(broken)).toContain('broken at entry 7');
    db.close();
  });

  it('the migration chains the rows an older database already had', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-audit-mig-'));
    try {
      const path = join(dir, 'depotwatch.db');
      // an older database: schema as of migration 2, with audit rows and no hash column
      const v2 = openStateDb(path);
      v2.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; ALTER TABLE audit DROP COLUMN hash; DROP TABLE config_versions;');
      v2.exec('ALTER TABLE users DROP COLUMN must_change_password;'); // migrations 4 and 5 (first-login password change, config versions) come after
      v2.exec('DROP INDEX maintenance_recurring_occurrence; ALTER TABLE maintenance DROP COLUMN recurring_id; DROP TABLE maintenance_recurring;'); // and 6 (recurring maintenance)
      v2.exec('DROP TABLE discovered_ignored; DROP TABLE collector_state; DROP INDEX audit_alarm_target;'); // 7 (the engineer's state) and 8 (alarm health's index)
      v2.pragma('user_version = 2');
      const ins = v2.prepare('INSERT INTO audit (at, actor, action, target, depot, note, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (let i = 0; i < 5; i++) ins.run(100 + i, 'old', 'login', 'user:old', null, null, i % 2 ? '{"ip":"127.0.0.1"}' : null);
      v2.close();

      const db = openStateDb(path);
      const store = createSqliteAlarmStore(db);
      expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 5 });
      store.commit({ audit: [entry(1)] });
      expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 6, head: { id: 6 } });
      expect(() => db.prepare('DELETE FROM audit WHERE id = 1').run()).toThrow();
      db.close();
      // reopening migrates nothing again (3: the audit chain; 4: password change; 5: configuration versions; 6: recurring
      // maintenance; 7: the engineer's state; 8: alarm health's index)
      const again = new Database(path);
      expect(again.pragma('user_version', { simple: true })).toBe(8);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
