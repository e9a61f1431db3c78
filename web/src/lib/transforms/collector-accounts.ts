import type { SiteConfig } from '../../../../config/schema.js';

/**
 * The collector accounts section of the Collectors tab: one row per depot, with its broker account's
 * state, and the edits made through a whole new version (disable, enable, remove). Pure.
 */
export type AccountState = 'active' | 'disabled' | 'none';
export interface AccountRow { depot: string; name: string; state: AccountState }

export function accountRows(site: SiteConfig): AccountRow[] {
  return site.depots.map((d) => {
    const a = site.collectors.find((c) => c.depot === d.id);
    return { depot: d.id, name: d.name, state: !a ? 'none' : a.disabled ? 'disabled' : 'active' };
  });
}

/** the account disabled (kept, logins refused) or enabled again; the masked hash goes back as it came */
export function setDisabled(site: SiteConfig, depot: string, disabled: boolean): SiteConfig {
  return {
    ...site,
    collectors: site.collectors.map((c) => {
      if (c.depot !== depot) return c;
      const { disabled: _d, ...rest } = c;
      return disabled ? { ...rest, disabled: true } : rest;
    }),
  };
}

export function removeAccount(site: SiteConfig, depot: string): SiteConfig {
  return { ...site, collectors: site.collectors.filter((c) => c.depot !== depot) };
}

/** letters and digits without the look-alikes (0/O, 1/l/I), to be read off a screen and typed at a depot */
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** a random password of `length` characters (24: ~140 bits), from `random` (crypto.getRandomValues) */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array, length = 24): string {
  let out = '';
  // rejection sampling keeps every character equally likely
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < length) {
    for (const b of random(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}
