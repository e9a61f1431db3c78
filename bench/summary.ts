import type { LadderResult, StepResult } from './ladder.js';
import type { LatencyResult } from './latency.js';
import type { AlarmLatencyResult } from './alarm-latency.js';
import type { MachineInfo } from './machine.js';
import type { Qos, SinkId } from './options.js';
import type { ProfileResult } from './profile.js';

/** Everything one run measured: what results/latest.json holds and the tables are made from. */
export interface BenchResults {
  startedAt: string;
  durationSec: number;
  quick: boolean;
  /** the DepotWatch sources measured */
  revision: string;
  machine: MachineInfo;
  /** calm: no threshold rules for the load's kinds, so no standing alarms */
  method: { calm: boolean; rates: number[]; stepSec: number; pubs: number; settleMs: number; graceMs: number; liveTickMs: number; mosquitto?: string };
  ladders: LadderResult[];
  latency: LatencyResult[];
  /** MQTT publish of smoke → its alarm, unacknowledged, on a live client */
  alarmLatency: AlarmLatencyResult[];
  /** peers that could not be measured, and why */
  unavailable: { sink: SinkId; reason: string }[];
  profile?: ProfileResult;
}

/**
 * What stopped a ladder: the sink (a step it did not keep up with), the load generator (it could not
 * reach the target rate), or the ladder's end. Only "sink" makes the maximum a measured limit; the
 * others make it a lower bound.
 */
export type Ceiling = 'sink' | 'load' | 'ladder';

export interface SummaryRow {
  sink: SinkId;
  label: string;
  depotWatch: boolean;
  qos: Qos;
  /** msg/s: the best step's target, or what the load generator achieved when that fell short */
  maxRate: number | null;
  ceiling: Ceiling;
  usPerMsg: number | null;
  peakRssMb: number;
  idleCpuPct: number;
  firstPassCpuSec: number;
  vsBare?: Ratio;
}

export interface Ratio {
  /** DepotWatch max rate ÷ bare collector max rate, with how exact that is */
  rate: number | null;
  rateBound: '=' | '≥' | '≤' | '~';
  /** DepotWatch µs/msg ÷ bare µs/msg at the same rate, the highest both kept up */
  cpu: number | null;
  cpuAtRate: number | null;
}

export function summarise(ladders: readonly LadderResult[]): SummaryRow[] {
  const rows = ladders.map(toRow);
  for (const row of rows) {
    if (!row.depotWatch) continue;
    const bare = rows.find((r) => r.sink === 'bare' && r.qos === row.qos);
    const dwLadder = ladders.find((l) => l.sink === row.sink && l.qos === row.qos);
    const bareLadder = ladders.find((l) => l.sink === 'bare' && l.qos === row.qos);
    if (bare && dwLadder && bareLadder) row.vsBare = ratio(row, bare, dwLadder, bareLadder);
  }
  return rows;
}

function toRow(l: LadderResult): SummaryRow {
  const best = l.best;
  const failed = l.steps.some((s) => !s.keptUp);
  const ceiling: Ceiling = failed ? 'sink' : best?.loadLimited ? 'load' : 'ladder';
  return {
    sink: l.sink, label: l.label, depotWatch: l.depotWatch, qos: l.qos,
    maxRate: best ? maxRateOf(best) : null, ceiling,
    usPerMsg: best?.usPerMsg ?? null, peakRssMb: l.peakRssMb, idleCpuPct: l.idleCpuPct, firstPassCpuSec: l.firstPass.cpuSec,
  };
}

const maxRateOf = (s: StepResult) => (s.loadLimited ? s.achievedPerSec : s.rate);

function ratio(dw: SummaryRow, bare: SummaryRow, dwLadder: LadderResult, bareLadder: LadderResult): Ratio {
  const rate = dw.maxRate !== null && bare.maxRate ? dw.maxRate / bare.maxRate : null;
  const dwExact = dw.ceiling === 'sink';
  const bareExact = bare.ceiling === 'sink';
  // a lower bound on top is a lower bound on the ratio, a lower bound below an upper bound
  const rateBound = dwExact && bareExact ? '=' : dwExact ? '≤' : bareExact ? '≥' : '~';
  const common = dwLadder.steps.filter((s) => s.keptUp && bareLadder.steps.some((b) => b.keptUp && b.rate === s.rate)).at(-1);
  const bareAt = common ? bareLadder.steps.find((b) => b.rate === common.rate) : undefined;
  return {
    rate, rateBound,
    cpu: common && bareAt && bareAt.usPerMsg > 0 ? common.usPerMsg / bareAt.usPerMsg : null,
    cpuAtRate: common?.rate ?? null,
  };
}

/**
 * The durable path at QoS 1 (PUBACK only after the on-disk queue's commit) beside the bare collector, which
 * acknowledges on receipt and holds everything in memory: throughput and CPU as figures and ratios, and
 * the loss over every step of the ladder (sent and never stored, after the final count), which must be 0.
 */
export interface DurableRow {
  sink: SinkId;
  label: string;
  maxRate: number | null;
  bareMaxRate: number | null;
  vsBare?: Ratio;
  /** messages sent over every step, and how many of them never reached the store */
  sent: number;
  lost: number;
}

export function durableRows(ladders: readonly LadderResult[]): DurableRow[] {
  const rows = summarise(ladders.filter((l) => l.qos === 1));
  const bare = rows.find((r) => r.sink === 'bare');
  return rows.map((r) => {
    const steps = ladders.find((l) => l.sink === r.sink && l.qos === 1)?.steps ?? [];
    return {
      sink: r.sink, label: r.label, maxRate: r.maxRate, bareMaxRate: bare?.maxRate ?? null,
      ...(r.vsBare ? { vsBare: r.vsBare } : {}),
      sent: steps.reduce((n, st) => n + st.sent, 0), lost: steps.reduce((n, st) => n + st.loss, 0),
    };
  });
}
