import type { AlarmHealthReport } from '../../../../server/src/contracts/alarm-health.js';

/**
 * The Health tab's KPI tiles: each figure beside its ISA-18.2 / EEMUA 191 target, judged good, fair
 * (over the "acceptable" mark but manageable) or poor, with the daily series for its trend. Pure.
 */
export type Verdict = 'good' | 'fair' | 'poor' | 'info';
export type KpiKey = 'avgPer10Min' | 'peakPer10Min' | 'floodPercent' | 'top10SharePercent' | 'chattering' | 'stale' | 'standing' | 'shelved' | 'outOfService';

export interface KpiTile { key: KpiKey; value: number; verdict: Verdict; target: number | null; unit: '' | '%'; daily: number[] }

type Day = AlarmHealthReport['daily'][number];

function verdict(key: KpiKey, v: number, t: AlarmHealthReport['targets']): { verdict: Verdict; target: number | null } {
  switch (key) {
    case 'avgPer10Min': return { verdict: v <= t.avgPer10MinAcceptable ? 'good' : v <= t.avgPer10MinManageable ? 'fair' : 'poor', target: t.avgPer10MinAcceptable };
    case 'peakPer10Min': return { verdict: v <= t.peakPer10MinMax ? 'good' : 'poor', target: t.peakPer10MinMax };
    case 'floodPercent': return { verdict: v <= t.floodPercentMax ? 'good' : 'poor', target: t.floodPercentMax };
    case 'top10SharePercent': return { verdict: v <= t.top10SharePercentMax ? 'good' : v <= 20 ? 'fair' : 'poor', target: t.top10SharePercentMax };
    case 'chattering': return { verdict: v <= t.chatteringMax ? 'good' : 'poor', target: t.chatteringMax };
    case 'stale': case 'standing': return { verdict: v <= t.staleMax ? 'good' : 'poor', target: t.staleMax };
    case 'shelved': case 'outOfService': return { verdict: 'info', target: null };
  }
}

/** the top-10 share per day is not in the daily rows: the trend shows raises instead */
const seriesOf = (key: KpiKey, daily: readonly Day[]): number[] => daily.map((d) => (key === 'top10SharePercent' ? d.raises : d[key]));

export const KPI_KEYS: readonly KpiKey[] = ['avgPer10Min', 'peakPer10Min', 'floodPercent', 'top10SharePercent', 'chattering', 'stale', 'standing', 'shelved', 'outOfService'];

export function kpiTiles(r: AlarmHealthReport): KpiTile[] {
  return KPI_KEYS.map((key) => ({
    key, value: r.summary[key], ...verdict(key, r.summary[key], r.targets),
    unit: key === 'floodPercent' || key === 'top10SharePercent' ? '%' : '', daily: seriesOf(key, r.daily),
  }));
}

/** "D1/ammo-humidity-high:H1" → the rule id and device the alarm belongs to, for the links of the top-10 table */
export function alarmParts(id: string): { depot: string; rule: string; device: string } {
  const m = /^([^/]+)\/([^:]+):(.+)$/.exec(id);
  return m ? { depot: m[1] ?? '', rule: m[2] ?? '', device: m[3] ?? '' } : { depot: '', rule: id, device: '' };
}
