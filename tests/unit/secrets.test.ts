import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from '../../config/schema.js';
import { changedAccounts, HASH_MASK, maskSecrets, unmaskCollectorHashes } from '../../server/src/domain/secrets.js';
import { smallSite } from '../helpers/site.js';

const H1 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDE';
const H2 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaDI';

describe('collector password hashes never leave the server (server/src/domain/secrets.ts)', () => {
  it('masks every passwordHash, nested anywhere, and the from/to of a diff entry about one; the input is untouched', () => {
    const body = {
      config: { collectors: [{ depot: 'K101', passwordHash: H1 }] },
      diff: [{ op: 'change', path: 'collectors[K101].passwordHash', from: H1, to: H2 }, { op: 'add', path: 'collectors[K102]', to: { depot: 'K102', passwordHash: H2 } }, { op: 'change', path: 'depots[K101].name', from: 'a', to: 'b' }],
    };
    const masked = maskSecrets(body);
    expect(JSON.stringify(masked)).not.toContain('$argon2id$v=');
    expect(masked.diff[2]).toBe(body.diff[2]);
    expect(masked.config.collectors[0]).toEqual({ depot: 'K101', passwordHash: HASH_MASK });
    expect(body.config.collectors[0]?.passwordHash).toBe(H1);
    const plain = { depots: [{ id: 'K101' }] };
    expect(maskSecrets(plain)).toBe(plain);
  });

  it('the mask passes the schema, so the board checks a masked configuration with the server\'s own schema', () => {
    expect(siteConfigSchema.safeParse({ ...smallSite(), collectors: [{ depot: 'D1', passwordHash: HASH_MASK }] }).success).toBe(true);
  });

  it('a mask sent back keeps the stored hash of its depot; a mask with none behind it is a problem at its path', () => {
    const r = unmaskCollectorHashes({ collectors: [{ depot: 'K101', passwordHash: HASH_MASK }, { depot: 'K102', passwordHash: H2 }, { depot: 'K103', passwordHash: HASH_MASK }] }, [{ depot: 'K101', passwordHash: H1 }]);
    expect(r.value).toEqual({ collectors: [{ depot: 'K101', passwordHash: H1 }, { depot: 'K102', passwordHash: H2 }, { depot: 'K103', passwordHash: HASH_MASK }] });
    expect(r.problems).toEqual([{
      path: ['collectors', 2, 'passwordHash'], message: 'no stored password for depot "K103" to keep: set one for this account', code: 'no_stored_password', params: { depot: 'K103' },
    }]);
    expect(unmaskCollectorHashes('not a site', []).value).toBe('not a site');
  });

  it('names the accounts whose login changed: a new hash, disabled, removed; not an unchanged or already disabled one', () => {
    const before = [{ depot: 'A', passwordHash: H1 }, { depot: 'B', passwordHash: H1 }, { depot: 'C', passwordHash: H1 }, { depot: 'D', passwordHash: H1 }, { depot: 'E', passwordHash: H1, disabled: true }];
    const after = [{ depot: 'A', passwordHash: H2 }, { depot: 'B', passwordHash: H1, disabled: true }, { depot: 'D', passwordHash: H1 }, { depot: 'E', passwordHash: H2, disabled: true }];
    expect(changedAccounts(before, after)).toEqual(['A', 'B', 'C']);
  });
});
