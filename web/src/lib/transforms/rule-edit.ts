import type { DepotConfig, RulesConfig, SensorConfig, SiteConfig, ZoneConfig } from '../../../../config/schema.js';
import type { SensorKind } from '../../../../server/src/contracts/telemetry.js';
import { pathKey, validateSite, type FieldErrors, type FieldProblem } from './config-edit.js';
import type { BacktestAlarm, BacktestResponse, BacktestRule } from '../../../../server/src/contracts/backtest.js';
import { isActionFailure, problemOf, type Problem } from './errors.js';

/**
 * Pure helpers of the rule editor: which rules there are, which sensors a rule covers, the limits a
 * sensor really gets (a zone's limits replace a rule's, as server/src/domain/site-index.ts does), a rule
 * put back into the configuration, and the backtest's answer as the chart and the summary need it.
 */
export type RuleType = BacktestRule['type'];
export type AnyRule = BacktestRule['rule'];
export interface RuleRef { type: RuleType; id: string }

const LISTS = { threshold: 'thresholds', state: 'states', rate: 'rates' } as const;

/** the fields an engineer edits, per rule type, in the form's order */
export const RULE_FIELDS: Readonly<Record<RuleType, readonly string[]>> = {
  threshold: ['high', 'low', 'deadband', 'onDelayS', 'offDelayS'],
  state: ['active', 'onDelayS', 'offDelayS'],
  rate: ['maxPerMin', 'onDelayS', 'offDelayS'],
};

export function listRules(rules: RulesConfig): BacktestRule[] {
  return [
    ...rules.thresholds.map((rule) => ({ type: 'threshold' as const, rule })),
    ...rules.states.map((rule) => ({ type: 'state' as const, rule })),
    ...rules.rates.map((rule) => ({ type: 'rate' as const, rule })),
  ];
}

export function findRule(rules: RulesConfig, ref: RuleRef): BacktestRule | null {
  return listRules(rules).find((r) => r.type === ref.type && r.rule.id === ref.id) ?? null;
}

export function applies(rule: Pick<AnyRule, 'kind' | 'zoneTypes'>, sensor: SensorConfig, zone: ZoneConfig): boolean {
  return rule.kind === sensor.kind && (!rule.zoneTypes || rule.zoneTypes.includes(zone.type));
}

export interface CoveredSensor { depot: DepotConfig; zone: ZoneConfig; sensor: SensorConfig }

/** every sensor of the site a rule covers, depot by depot */
export function sensorsFor(site: SiteConfig, rule: Pick<AnyRule, 'kind' | 'zoneTypes'>): CoveredSensor[] {
  const out: CoveredSensor[] = [];
  for (const depot of site.depots) {
    for (const sensor of depot.sensors) {
      const zone = depot.zones.find((z) => z.id === sensor.zone);
      if (zone && applies(rule, sensor, zone)) out.push({ depot, zone, sensor });
    }
  }
  return out;
}

/** the limits the live engine applies to a sensor in `zone` under `rule` */
export function effectiveLimits(rule: AnyRule | null, zone: ZoneConfig, kind: SensorConfig['kind']): { high?: number; low?: number } {
  if (!rule || !('deadband' in rule)) return {};
  const o = zone.limits?.[kind];
  const high = rule.high !== undefined && o?.high !== undefined ? o.high : rule.high;
  const low = rule.low !== undefined && o?.low !== undefined ? o.low : rule.low;
  return { ...(high !== undefined ? { high } : {}), ...(low !== undefined ? { low } : {}) };
}

/** the configuration with `next` in place of the rule of the same type and id (or added after them) */
export function replaceRule(site: SiteConfig, next: BacktestRule): SiteConfig {
  const key = LISTS[next.type];
  const list = site.rules[key] as AnyRule[];
  const i = list.findIndex((r) => r.id === next.rule.id);
  const updated = i >= 0 ? list.map((r, j) => (j === i ? next.rule : r)) : [...list, next.rule];
  return { ...site, rules: { ...site.rules, [key]: updated } };
}

/** what changed in a rule, for the version's default comment: "ammo-temp-high: high 30 → 28, onDelayS 0 → 30" */
export function ruleChangeText(before: AnyRule | null, after: AnyRule): string {
  if (!before) return `${after.id}: new`;
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  return `${after.id}: ${keys.map((k) => `${k} ${fmt(b[k])} → ${fmt(a[k])}`).join(', ')}`;
}
const fmt = (v: unknown) => (v === undefined ? '–' : Array.isArray(v) ? v.join('/') : String(v));

export interface BacktestSummary { current: number | null; proposed: number; currentMs: number | null; proposedMs: number; samples: number }

export function backtestSummary(r: BacktestResponse): BacktestSummary {
  return { current: r.current?.alarms ?? null, proposed: r.proposed.alarms, currentMs: r.current?.alarmMs ?? null, proposedMs: r.proposed.alarmMs, samples: r.samples };
}

/** an alarm as a span on the chart's time axis: open alarms run to the window's end */
export interface Span { from: number; to: number; peak: number }
export function alarmSpans(list: readonly BacktestAlarm[], windowEnd: number, sensor?: string): Span[] {
  return list.filter((a) => sensor === undefined || a.sensor === sensor).map((a) => ({ from: a.start, to: a.end ?? windowEnd, peak: a.peak }));
}

/** a new rule of `type` with the schema's defaults, for the editor to fill in (a threshold needs its limit) */
export function newRule(type: RuleType, id: string, kind: SensorKind): AnyRule {
  const base = { id, kind, onDelayS: 0, offDelayS: 0, severity: 'major' as const };
  switch (type) {
    case 'threshold': return { ...base, deadband: 0 };
    case 'state': return { ...base, active: 1, outsideSchedule: false };
    case 'rate': return { ...base, maxPerMin: 1 };
  }
}

/** a rule's type changed in the editor: the fields both types share are kept, the new type's defaults fill the rest */
export function retypeRule(rule: AnyRule, type: RuleType): AnyRule {
  const fresh = newRule(type, rule.id, rule.kind);
  return { ...fresh, onDelayS: rule.onDelayS, offDelayS: rule.offDelayS, severity: rule.severity, ...(rule.zoneTypes ? { zoneTypes: rule.zoneTypes } : {}) } as AnyRule;
}

/** the configuration without the rule (its alarms end with a note when the version applies) */
export function removeRule(site: SiteConfig, ref: RuleRef): SiteConfig {
  const key = LISTS[ref.type];
  return { ...site, rules: { ...site.rules, [key]: (site.rules[key] as AnyRule[]).filter((r) => r.id !== ref.id) } };
}

/** zone types ticked on or off; none ticked is "every zone" (the field left out) */
export function toggleZoneType<R extends AnyRule>(rule: R, type: ZoneConfig['type'], on: boolean): R {
  const now = new Set(rule.zoneTypes ?? []);
  if (on) now.add(type); else now.delete(type);
  const { zoneTypes: _z, ...rest } = rule;
  return (now.size ? { ...rest, zoneTypes: [...now] } : rest) as R;
}

/** the configuration with the rule in it: a new one is appended (so an id already taken is caught), an existing one replaced */
export function placeRule(site: SiteConfig, next: BacktestRule, isNew: boolean): { site: SiteConfig; index: number } {
  const key = LISTS[next.type];
  if (!isNew) {
    const placed = replaceRule(site, next);
    return { site: placed, index: (placed.rules[key] as AnyRule[]).findIndex((r) => r.id === next.rule.id) };
  }
  const list = site.rules[key] as AnyRule[];
  return { site: { ...site, rules: { ...site.rules, [key]: [...list, next.rule] } }, index: list.length };
}

/**
 * The rule as the whole configuration would take it, checked by the server's schema: the rule's own
 * fields, and what only the site can tell (an id another rule has). Keyed by field, "(rule)" for the whole.
 */
export function ruleErrors(site: SiteConfig, next: BacktestRule, isNew: boolean): FieldErrors {
  const placed = placeRule(site, next, isNew);
  const prefix = pathKey(['rules', LISTS[next.type], placed.index]);
  const out: Record<string, FieldProblem> = {};
  for (const [k, m] of Object.entries(validateSite(placed.site))) {
    if (k === prefix) out['(rule)'] ??= m;
    else if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] ??= m;
  }
  return out;
}

/**
 * Why a backtest was not run, in the board's words from the refusal's code and params (the server's
 * message is English): too much history for one run, as many running as allowed, the store not answering.
 */
export function backtestProblem(e: unknown): Problem {
  if (!isActionFailure(e)) return problemOf(e);
  const params = e.params ?? {};
  if (e.status === 413 && e.error === 'too_large') {
    if (params.fitDays === undefined) return { key: 'rules.backtest.tooDense', params };
    return { key: params.sensors === 1 ? 'rules.backtest.tooLong' : 'rules.backtest.tooMany', params };
  }
  if (e.error === 'busy') return { key: 'rules.backtest.busy', params };
  if (e.error === 'telemetry_unavailable') return { key: 'rules.backtest.noHistory' };
  return problemOf(e);
}
