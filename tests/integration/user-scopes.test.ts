import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserView } from '../../server/src/contracts/alarms.js';
import type { ApiError, DepotSummary } from '../../server/src/contracts/api.js';
import { smallSite } from '../helpers/site.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * One rule for depot scopes, cell by cell on REST (server/src/domain/depot-scope.ts states it as a table):
 * "all" and "these depots" are explicit, an empty list is refused with a 400 naming `depots`, and what a
 * user sees is what the users API says they see.
 */
let t: TestSystem;
let admin: string;
let n = 0;

const create = (role: string, depots: unknown) => {
  const body: Record<string, unknown> = { username: `scope-${role}-${++n}`, password: 'long-enough-password', role };
  if (depots !== undefined) body.depots = depots;
  return t.api<UserView & ApiError>('/api/users', admin, { method: 'POST', body: JSON.stringify({ mustChangePassword: false, ...body }) }).then((r) => ({ ...r, username: body.username as string }));
};
const patch = (id: number, body: unknown) => t.api<UserView & ApiError>(`/api/users/${id}`, admin, { method: 'PATCH', body: JSON.stringify(body) });
const seen = async (username: string) => {
  const token = await t.login(username, 'long-enough-password');
  return (await t.api<DepotSummary[]>('/api/depots', token)).body.map((d) => d.id).sort();
};

beforeAll(async () => {
  t = await startTestSystem({ site: smallSite() });
  admin = await t.login();
});
afterAll(() => t?.stop());

describe('creating users: "all", a list, or refused', () => {
  // [role, depots sent, status, depots shown by the API, depots the user then sees]
  const CELLS: [string, unknown, 201 | 400, UserView['depots'] | null, string[] | null][] = [
    ['display', 'all', 201, 'all', ['D1', 'D2']],
    ['display', ['D2'], 201, ['D2'], ['D2']],
    ['display', null, 201, 'all', ['D1', 'D2']], // older clients' spelling of "all"
    ['display', undefined, 201, 'all', ['D1', 'D2']],
    ['display', [], 400, null, null],
    ['guard', ['D1'], 201, ['D1'], ['D1']],
    ['guard', [], 400, null, null],
    ['guard', 'all', 400, null, null],
    ['guard', undefined, 400, null, null],
    ['officer', 'all', 201, 'all', ['D1', 'D2']],
    ['officer', null, 201, 'all', ['D1', 'D2']],
    ['officer', ['D1'], 400, null, null], // an officer with a list would still see everything: refused
    ['engineer', [], 400, null, null],
    ['display', ['D1', 'NOPE'], 400, null, null],
  ];
  for (const [role, depots, status, shown, sees] of CELLS) {
    it(`${role} with ${JSON.stringify(depots)} → ${status}`, async () => {
      const r = await create(role, depots);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      if (status === 400) {
        expect(r.body.fields?.map((f) => f.path)).toEqual(['depots']);
        return;
      }
      expect(r.body.depots).toEqual(shown);
      expect(await seen(r.username)).toEqual(sees);
    });
  }

  it('the 400 says what to do', async () => {
    expect((await create('display', [])).body.fields?.[0]?.message).toBe('an empty list would show nothing on the wall: give at least one depot, or "all"');
    expect((await create('guard', [])).body.fields?.[0]?.message).toBe('an empty list would let this guard see nothing: give at least one depot');
  });
});

describe('changing users', () => {
  it('an empty list is refused on PATCH too; "all" and a list switch a display', async () => {
    const wall = await create('display', ['D1']);
    expect((await patch(wall.body.id, { depots: [] })).status).toBe(400);
    expect((await patch(wall.body.id, { depots: 'all' })).body.depots).toBe('all');
    expect(await seen(wall.username)).toEqual(['D1', 'D2']);
    expect((await patch(wall.body.id, { depots: ['D2'] })).body.depots).toEqual(['D2']);
    expect(await seen(wall.username)).toEqual(['D2']);
  });

  it('a role change applies the rule to the new role', async () => {
    const guard = await create('guard', ['D1']);
    // guard → display keeps its list; → officer sees all; officer → guard without depots is refused
    expect((await patch(guard.body.id, { role: 'display' })).body.depots).toEqual(['D1']);
    expect((await patch(guard.body.id, { role: 'officer' })).body.depots).toBe('all');
    const back = await patch(guard.body.id, { role: 'guard' });
    expect(back.status).toBe(400);
    expect(back.body.fields?.map((f) => f.path)).toEqual(['depots']);
    expect((await patch(guard.body.id, { role: 'guard', depots: ['D2'] })).body.depots).toEqual(['D2']);
  });

  it('rows written before the rule still read: null is "all", and a password change leaves them be', async () => {
    const old = await t.system.auth.createUser({ username: 'old-wall', password: 'long-enough-password', role: 'display', depots: null });
    const blank = await t.system.auth.createUser({ username: 'old-blank', password: 'long-enough-password', role: 'display', depots: [] });
    const list = (await t.api<UserView[]>('/api/users', admin)).body;
    expect(list.find((u) => u.id === old.id)?.depots).toBe('all');
    expect(list.find((u) => u.id === blank.id)?.depots).toEqual([]);
    expect((await patch(blank.id, { password: 'another-long-password' })).status).toBe(200);
  });
});
