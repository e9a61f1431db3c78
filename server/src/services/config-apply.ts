import type { DepotConfig } from '../../../config/schema.js';
import type { Logger } from '../adapters/logger.js';
import { topics } from '../contracts/mqtt.js';
import type { AlarmEvent, Alarm } from '../domain/alarm-engine.js';
import { retire } from '../domain/alarm-retire.js';
import { collectorConfigMessage, edgePart, partVersions } from '../domain/collector-config.js';
import { buildSiteIndex, hasDevice, type SiteIndex } from '../domain/site-index.js';
import type { Clock } from '../ports/clock.js';
import type { AlarmService } from './alarm-service.js';
import type { AppliedConfig } from './config-service.js';
import type { LiveState } from './live-state.js';

/** ids of the threshold, state and rate rules `previous` has and `next` does not */
function removedRuleIds(previous: AppliedConfig, next: AppliedConfig): string[] {
  const ids = (c: AppliedConfig) => [...c.site.rules.thresholds, ...c.site.rules.states, ...c.site.rules.rates].map((r) => r.id);
  const kept = new Set(ids(next));
  return ids(previous).filter((id) => !kept.has(id));
}

export interface ConfigApplierDeps {
  /** swaps the SiteIndex behind the `index()` getter that ingest, live state and alarms read */
  setIndex: (index: SiteIndex) => void;
  live: Pick<LiveState, 'reconfigured'>;
  alarms: Pick<AlarmService, 'snapshot' | 'alarm' | 'commitAndAnnounce'>;
  /** publishes retained, QoS 1; an empty payload clears the retained message */
  publishRetained: (topic: string, payload: string) => void;
  /** a stored version's configuration (undefined when not stored): at start, to find when each depot's part last changed */
  history?: (n: number) => unknown;
  root: string;
  clock: Clock;
  logger: Logger;
}

/**
 * Applies a new configuration version to the running system without a restart: the new index goes
 * live at once, every depot is re-evaluated at the next live tick (a changed threshold raises or
 * clears there), alarms of devices that are gone end with a note, and each depot's edge collector
 * gets its retained `collector/config`.
 */
export function createConfigApplier(deps: ConfigApplierDeps) {
  const { logger } = deps;

  function retireRemoved(index: SiteIndex, next: AppliedConfig, previous: AppliedConfig): void {
    const now = deps.clock.now();
    const why = `in version ${next.meta.n}${next.meta.comment ? ` (${next.meta.comment})` : ''}`;
    const goneRules = removedRuleIds(previous, next);
    const changed: Alarm[] = [];
    const events: AlarmEvent[] = [];
    for (const view of deps.alarms.snapshot(() => true).alarms) {
      const deviceGone = view.device.type === 'collector' ? !index.depot(view.depot) : !hasDevice(index, view.depot, { type: view.device.type, id: view.device.id });
      // a rule's alarms are `<depot>/<rule id>:<device id>` (domain/conditions.ts); a deleted rule's can never clear by itself
      const rule = deviceGone ? undefined : goneRules.find((id) => view.id === `${view.depot}/${id}:${view.device.id}`);
      const alarm = deviceGone || rule ? deps.alarms.alarm(view.id) : undefined;
      if (!alarm) continue;
      const note = deviceGone ? `removed from the configuration ${why}` : `rule ${rule} removed from the configuration ${why}`;
      const step = retire(alarm, { username: next.meta.author, at: now, note });
      if (step.events.length === 0) continue;
      changed.push(step.alarm);
      events.push(...step.events);
    }
    if (changed.length === 0) return;
    deps.alarms.commitAndAnnounce(changed, events);
    logger.info({ version: next.meta.n, alarms: changed.length }, 'alarms of removed devices ended');
  }

  // per depot: its part as last published and the version it carries
  const published = new Map<string, { part: string; version: number }>();

  function publish(d: DepotConfig, version: number): void {
    published.set(d.id, { part: edgePart(d), version });
    deps.publishRetained(topics.collectorConfig(deps.root, d.id), JSON.stringify(collectorConfigMessage(d, version)));
  }

  /**
   * SPEC §3/§11: each depot's part of the configuration (its edge lists, domain/collector-config.ts),
   * retained, so that a collector that connects later still gets it. Only a depot whose part changed is
   * published again, with the new version; the others keep their retained message and their edges run on.
   */
  function publishChanged(next: AppliedConfig, previous: AppliedConfig): void {
    let sent = 0;
    for (const d of next.site.depots) {
      const held = published.get(d.id);
      if (held && held.part === edgePart(d)) continue;
      publish(d, next.meta.n);
      sent++;
    }
    const kept = new Set(next.site.depots.map((d) => d.id));
    for (const d of previous.site.depots) {
      if (kept.has(d.id)) continue;
      published.delete(d.id);
      deps.publishRetained(topics.collectorConfig(deps.root, d.id), '');
    }
    if (sent > 0) logger.info({ version: next.meta.n, depots: sent }, 'collector configs published');
  }

  return {
    /** at start: the running version's collector configs (the embedded broker keeps no retained messages) */
    start(current: AppliedConfig): void {
      const versions = partVersions(current.site, current.meta.n, deps.history ?? (() => undefined));
      for (const d of current.site.depots) publish(d, versions.get(d.id) ?? current.meta.n);
    },
    /** the version of the depot's retained collector/config: a collector reporting it runs its part of the configuration */
    published: (depot: string): number | undefined => published.get(depot)?.version,
    apply(next: AppliedConfig, previous: AppliedConfig): void {
      const index = buildSiteIndex(next.site);
      deps.setIndex(index);
      deps.live.reconfigured();
      retireRemoved(index, next, previous);
      publishChanged(next, previous);
    },
  };
}
