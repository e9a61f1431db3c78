import type { BrokerIdentity } from './acl.js';

/**
 * Binds each MQTT client id to the account that first used it (SPEC §7), so that a collector logged in
 * as K101 cannot connect with K102's client id and kick K102 off: MQTT's takeover rule would close the
 * victim's connection and fire its Last Will, a false "collector offline" alarm. The same account may
 * take its own id over (a collector reconnecting over a half-open TCP connection must).
 *
 * Accounts: each collector depot; the centre's internal account; and every anonymous loopback client as
 * one account. Anonymous clients may therefore take over each other's ids (a local tool restarting), but
 * never a collector's or the centre's, and no collector may take an id an anonymous client or the centre
 * holds.
 *
 * Bindings live as long as the broker. Memory stays bounded: an account holds at most `maxIdsPerAccount`
 * ids; past that its oldest binding whose client is not connected is forgotten (forgetting one cannot
 * kick anyone: only a connected client can be taken over). If all of them are connected, the new id is
 * refused.
 */
export interface ClientIdRegistry {
  /** 'ok' binds `clientId` to the account (if it was free) */
  claim(clientId: string, who: BrokerIdentity): 'ok' | 'taken' | 'too_many';
  size(): number;
}

export function accountKey(who: BrokerIdentity): string {
  switch (who.kind) {
    case 'anonymous': return 'anonymous';
    case 'centre': return 'centre';
    case 'collector': return `collector:${who.depotId}`;
  }
}

export function createClientIdRegistry(opts: { isConnected: (clientId: string) => boolean; maxIdsPerAccount?: (who: BrokerIdentity) => number }): ClientIdRegistry {
  const maxIds = opts.maxIdsPerAccount ?? ((who) => (who.kind === 'collector' ? 64 : 10_000));
  const owner = new Map<string, string>();
  // per account, its ids in order of last claim (a Set keeps insertion order)
  const byAccount = new Map<string, Set<string>>();
  return {
    claim(clientId, who) {
      const account = accountKey(who);
      const current = owner.get(clientId);
      if (current !== undefined && current !== account) return 'taken';
      let ids = byAccount.get(account);
      if (!ids) byAccount.set(account, (ids = new Set()));
      if (current === account) {
        ids.delete(clientId);
        ids.add(clientId);
        return 'ok';
      }
      if (ids.size >= maxIds(who)) {
        const idle = [...ids].find((id) => !opts.isConnected(id));
        if (idle === undefined) return 'too_many';
        ids.delete(idle);
        owner.delete(idle);
      }
      ids.add(clientId);
      owner.set(clientId, account);
      return 'ok';
    },
    size: () => owner.size,
  };
}
