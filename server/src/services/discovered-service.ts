import type { ApproveInput } from '../domain/discovered-approve.js';
import { approveIntoSite, type Problem } from '../domain/discovered-approve.js';
import type { ConfigChangeResult } from '../contracts/config.js';
import type { DiscoveredView } from '../contracts/collectors.js';
import type { DiscoveryRegistry } from '../ingest/discovery.js';
import type { AuditInput } from '../ports/alarm-store.js';
import type { Clock } from '../ports/clock.js';
import type { EngineerStateStore } from '../ports/engineer-state.js';
import type { ConfigService } from './config-service.js';

export class DiscoveredNotFound extends Error {
  constructor(readonly key: string) { super(`discovered device ${key} not found`); }
}
/** the approval cannot be made as asked: each problem names the request field */
export class ApproveRefused extends Error {
  constructor(readonly problems: Problem[]) { super(`cannot approve: ${problems.map((p) => p.path).join(', ')}`); }
}

export interface DiscoveredServiceDeps {
  registry: DiscoveryRegistry;
  config: Pick<ConfigService, 'current' | 'put'>;
  audit: (entries: AuditInput[]) => void;
  clock: Clock;
  /** where ignored devices outlive a restart; absent: in memory only */
  store?: Pick<EngineerStateStore, 'saveIgnored' | 'forgetDevice'>;
}

/**
 * Discovered devices (SPEC §3) for engineers: approving one makes it a configured device in a new
 * configuration version through the config service (the same schema, audit, 409 and 428 as PUT
 * /api/config) and the running system takes it at once; ignoring one sets it aside, audited, listed
 * apart, reversible and kept across a restart (the store); devices waiting for a decision are not kept:
 * a device that still sends is discovered again within its interval.
 */
export function createDiscoveredService(deps: DiscoveredServiceDeps) {
  const { registry } = deps;
  const need = (key: string, visible: (depotId: string) => boolean) => {
    const d = registry.get(key);
    // another depot's device is as absent as one never seen
    if (!d || !visible(d.depotId)) throw new DiscoveredNotFound(key);
    return d;
  };

  return {
    list: (visible: (depotId: string) => boolean): DiscoveredView[] => registry.list(visible),
    ignored: (visible: (depotId: string) => boolean): DiscoveredView[] => registry.ignored(visible),

    approve(key: string, input: ApproveInput & { baseVersion?: number | undefined; comment: string }, who: { username: string; visible: (depotId: string) => boolean }): ConfigChangeResult & { device: DiscoveredView } {
      const device = need(key, who.visible);
      const made = approveIntoSite(deps.config.current().site, device, input);
      if (!made.ok) throw new ApproveRefused(made.problems);
      const where = `${device.depotId}/${device.id}`;
      const comment = input.comment || `approved discovered ${device.type} ${where} into zone ${input.zone}`;
      // the config service validates, stores the version with its audit entry and applies it, or throws
      const r = deps.config.put(made.site, { base: input.baseVersion, author: who.username, comment });
      registry.remove(key);
      if (device.ignored) deps.store?.forgetDevice(key);
      return { ...r, device };
    },

    ignore(key: string, note: string, who: { username: string; visible: (depotId: string) => boolean }): DiscoveredView {
      const d = need(key, who.visible);
      const at = deps.clock.now();
      deps.audit([{ at, actor: who.username, action: 'discovered.ignore', target: `discovered:${key}`, depot: d.depotId, note: note || null, detail: { type: d.type, id: d.id, messages: d.messages } }]);
      registry.ignore(key, { by: who.username, at, note });
      const now = registry.get(key) ?? d;
      if (now.ignored) deps.store?.saveIgnored({ ...now, ignored: now.ignored });
      return now;
    },

    unignore(key: string, who: { username: string; visible: (depotId: string) => boolean }): DiscoveredView {
      const d = need(key, who.visible);
      if (!d.ignored) return d;
      deps.audit([{ at: deps.clock.now(), actor: who.username, action: 'discovered.unignore', target: `discovered:${key}`, depot: d.depotId, note: null, detail: { type: d.type, id: d.id } }]);
      registry.unignore(key);
      deps.store?.forgetDevice(key);
      return registry.get(key) ?? d;
    },
  };
}
export type DiscoveredService = ReturnType<typeof createDiscoveredService>;
