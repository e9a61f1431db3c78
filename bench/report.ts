import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { durableRows, summarise, type BenchResults, type Ratio, type SummaryRow } from './summary.js';

/**
 * The run's results as tables: aligned text for the terminal, and one markdown section that the
 * README can include verbatim. Both are built from the same rows.
 */
type Table = { head: string[]; rows: string[][]; align?: ('l' | 'r')[] };

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

function maxRateCell(r: SummaryRow, firstRate: number): string {
  if (r.maxRate === null) return `< ${int(firstRate)}`;
  return `${r.ceiling === 'sink' ? '' : '≥ '}${int(r.maxRate)}`;
}

function ratioCells(v: Ratio | undefined): [string, string] {
  if (!v) return ['', ''];
  const rate = v.rate === null ? 'n/a' : `${v.rateBound === '=' ? '' : `${v.rateBound} `}${v.rate.toFixed(2)}`;
  const cpu = v.cpu === null ? 'n/a' : `${v.cpu.toFixed(1)}× @ ${int(v.cpuAtRate ?? 0)}/s`;
  return [rate, cpu];
}

function summaryTable(res: BenchResults): Table {
  const first = res.method.rates[0] ?? 0;
  return {
    head: ['sink', 'QoS', 'max msg/s kept up', 'µs/msg', 'idle CPU %', 'first pass CPU s', 'peak RSS MB', 'rate ÷ bare', 'µs/msg ÷ bare'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: summarise(res.ladders).map((r) => [
      r.label, String(r.qos), maxRateCell(r, first), r.usPerMsg === null ? 'n/a' : r.usPerMsg.toFixed(1), r.idleCpuPct.toFixed(0), r.firstPassCpuSec.toFixed(1),
      r.peakRssMb.toFixed(0), ...ratioCells(r.vsBare),
    ]),
  };
}

function durableTable(res: BenchResults): Table | null {
  const rows = durableRows(res.ladders);
  if (rows.length === 0) return null;
  const first = res.method.rates[0] ?? 0;
  return {
    head: ['sink (QoS 1)', 'max msg/s kept up', 'bare max msg/s', 'rate ÷ bare', 'µs/msg ÷ bare', 'sent (all steps)', 'lost'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rows.map((r) => [
      r.label, r.maxRate === null ? `< ${int(first)}` : int(r.maxRate), r.bareMaxRate === null ? 'n/a' : int(r.bareMaxRate),
      ...ratioCells(r.vsBare), int(r.sent), int(r.lost),
    ]),
  };
}

function stepsTable(res: BenchResults): Table {
  return {
    head: ['sink', 'QoS', 'target/s', 'sent', 'achieved/s', 'stored', 'loss', 'complete after s', 'µs/msg', 'live batches', 'load avg', 'kept up'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: res.ladders.flatMap((l) => l.steps.map((s) => [
      l.sink, String(l.qos), int(s.rate), int(s.sent), `${int(s.achievedPerSec)}${s.loadLimited ? '*' : ''}`, int(s.stored), int(s.loss),
      s.settleMs === null ? 'never' : (s.settleMs / 1000).toFixed(1), s.usPerMsg.toFixed(1), s.liveBatches === undefined ? '' : String(s.liveBatches), s.loadAvg1m.toFixed(1), s.keptUp ? 'yes' : 'NO',
    ])),
  };
}

function latencyTable(res: BenchResults): Table {
  return {
    head: ['background msg/s', 'achieved/s', 'probes', 'lost', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'batch gap p50 / p99 / max ms'],
    align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: res.latency.map((l) => [
      int(l.backgroundRate), int(l.backgroundAchievedPerSec), String(l.probesSent), String(l.lost),
      ...(l.latency ? [ms(l.latency.p50), ms(l.latency.p95), ms(l.latency.p99), ms(l.latency.max)] : ['n/a', 'n/a', 'n/a', 'n/a']),
      l.batchGapMs ? `${ms(l.batchGapMs.p50)} / ${ms(l.batchGapMs.p99)} / ${ms(l.batchGapMs.max)}` : 'n/a',
    ]),
  };
}

function alarmLatencyTable(res: BenchResults): Table {
  return {
    head: ['background msg/s', 'achieved/s', 'alarms raised', 'lost', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: res.alarmLatency.map((l) => [
      int(l.backgroundRate), int(l.backgroundAchievedPerSec), String(l.probesSent), String(l.lost),
      ...(l.latency ? [ms(l.latency.p50), ms(l.latency.p95), ms(l.latency.p99), ms(l.latency.max)] : ['n/a', 'n/a', 'n/a', 'n/a']),
    ]),
  };
}

function profileTable(res: BenchResults, what: 'functions' | 'places'): Table | null {
  const p = res.profile?.summary;
  if (!p) return null;
  return what === 'functions'
    ? { head: ['self %', 'function', 'where'], align: ['r', 'l', 'l'], rows: p.functions.map((f) => [(f.share * 100).toFixed(1), f.name, f.where]) }
    : { head: ['self %', 'where'], align: ['r', 'l'], rows: p.places.map((f) => [(f.share * 100).toFixed(1), f.where]) };
}

function machineLine(res: BenchResults): string {
  const m = res.machine;
  return `${m.nproc} cores (${m.cpuModel}), ${m.memGb} GB, Node ${m.node}, Linux ${m.kernel}, ${m.mosquitto}, ${m.influxd}; ` +
    `load average ${m.loadAvgAtStart} at start`;
}

function methodLine(res: BenchResults): string {
  const r = res.method;
  const site = r.calm
    ? 'Site: 200 depots × 50 sensors, no threshold rules for the load\'s kinds (--calm): no standing alarms. '
    : 'Site: 200 depots × 50 sensors with the shipped rules, which the load\'s values break for every gas and mains sensor: about 5,000 standing alarms. ';
  return `${site}One broker, one InfluxDB, one load for all sinks, measured one after another. Ladder ${r.rates.map(int).join(', ')} msg/s, ` +
    `${r.stepSec} s per step (load.mjs, ${r.pubs} publishers), climbing until the first rate not kept up. Kept up: every published point ` +
    `counted in the store within ${(r.settleMs + r.graceMs) / 1000} s after the load (${r.settleMs / 1000} s settle + ${r.graceMs / 1000} s grace for the last batch). ` +
    'µs/msg: the sink process\'s user + system CPU over the step ÷ messages sent, at the highest rate kept up. ' +
    'Before the ladder, every series is sent once and the sink left to go quiet: "first pass CPU s" is what that cost ' +
    '(DepotWatch raises the alarms the load\'s values break), so the ladder measures steady state. Idle CPU: the sink with no load, ' +
    'after the first pass, in % of one core. ' +
    '"≥": the ladder or the load generator ran out before the sink did. The DepotWatch servers have one logged-in Socket.IO client attached.';
}

// ---- text ----

function textTable(t: Table): string {
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (t.align?.[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(t.head), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

export function textReport(res: BenchResults): string {
  const out = [
    '', `== DepotWatch ${res.revision}, bench ${res.startedAt}${res.quick ? ' (quick)' : ''}, ${Math.round(res.durationSec)} s ==`, machineLine(res), '',
    'Throughput (sinks × QoS)', textTable(summaryTable(res)), '',
    'Steps', textTable(stepsTable(res)),
  ];
  const durable = durableTable(res);
  if (durable) out.push('', `The durable path at QoS 1 (lost: sent and never stored, every step); Mosquitto ${res.method.mosquitto ?? 'defaults'}`, textTable(durable));
  if (res.latency.length > 0) {
    out.push('', `MQTT publish → Socket.IO client, DepotWatch server → InfluxDB (live tick ${res.method.liveTickMs} ms)`, textTable(latencyTable(res)));
  }
  if (res.alarmLatency.length > 0) {
    out.push('', 'MQTT publish of smoke → its alarm on a Socket.IO client (alarm engine, SQLite commit, push)', textTable(alarmLatencyTable(res)));
  }
  for (const u of res.unavailable) out.push('', `unavailable: ${u.sink}: ${u.reason}`);
  const fns = profileTable(res, 'functions');
  const places = profileTable(res, 'places');
  if (fns && places && res.profile) {
    out.push('', `CPU profile: ${res.profile.sink} at ${int(res.profile.rate)} msg/s for ${res.profile.sec} s (busy ${int(res.profile.summary.busyMs)} ms of ${int(res.profile.summary.windowMs)} ms)`,
      textTable(places), '', textTable(fns));
  }
  return out.join('\n');
}

// ---- markdown ----

function flags(res: BenchResults): string {
  const f = [res.quick ? '--quick' : '', res.method.calm ? '--calm' : ''].filter(Boolean);
  return f.length ? ` -- ${f.join(' ')}` : '';
}

const mdCell = (c: string) => c.replace(/\|/g, '\\|');
function mdTable(t: Table): string {
  const sep = t.head.map((_, i) => (t.align?.[i] === 'r' ? '---:' : '---'));
  return [t.head, sep, ...t.rows].map((r) => `| ${r.map(mdCell).join(' | ')} |`).join('\n');
}

export function markdownReport(res: BenchResults): string {
  const out = [
    `### Benchmark results (${res.startedAt.slice(0, 10)}${res.quick ? ', quick run' : ''}${res.method.calm ? ', calm site' : ''})`, '',
    `DepotWatch ${res.revision}, measured with \`npm run bench${flags(res)}\` on ${machineLine(res)}.`, '',
    methodLine(res), '',
    mdTable(summaryTable(res)), '',
  ];
  const durable = durableTable(res);
  if (durable) {
    out.push(`**The durable path at QoS 1**: DepotWatch acknowledges a message only after it is committed to its on-disk queue; the bare ` +
      `collector acknowledges on receipt and keeps everything in memory. Lost: sent over every step of the ladder and never stored. ` +
      `Mosquitto: ${res.method.mosquitto ?? 'defaults'}.`, '', mdTable(durable), '');
  }
  if (res.latency.length > 0) {
    out.push(`**Latency**, MQTT publish → Socket.IO client of the DepotWatch server → InfluxDB, one probe every 20 ms under a background load (QoS 0). ` +
      `Readings reach boards once per live tick (${res.method.liveTickMs} ms), so about half a tick is the median's floor. ` +
      'Batch gap: time between live:batch arrivals; gaps far beyond the tick are the server\'s event loop blocked.', '',
    mdTable(latencyTable(res)), '');
  }
  if (res.alarmLatency.length > 0) {
    out.push('**Alarm latency**, MQTT publish of smoke → the alarm, unacknowledged, on a Socket.IO client of the same server: the live tick, ' +
      'the alarm engine, the SQLite commit (synchronous=FULL) and the push. One smoke detector raised every 100 ms (and cleared on sight): an alarm flood.', '',
    mdTable(alarmLatencyTable(res)), '');
  }
  for (const u of res.unavailable) out.push(`*${u.sink}: not measured: ${u.reason}*`, '');
  out.push('<details><summary>Every step</summary>', '', mdTable(stepsTable(res)), '', '`*`: the load generator fell short of the target rate.', '', '</details>', '');
  const fns = profileTable(res, 'functions');
  const places = profileTable(res, 'places');
  if (fns && places && res.profile) {
    out.push(`<details><summary>Where the server's CPU goes at ${int(res.profile.rate)} msg/s (V8 profile, self time)</summary>`, '',
      mdTable(places), '', mdTable(fns), '', '</details>', '');
  }
  return out.join('\n');
}

/** Writes <name>.json and <name>.md into dir (bench/results). */
export function writeResults(dir: string, name: string, res: BenchResults): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(res, null, 2)}\n`);
  writeFileSync(md, markdownReport(res));
  return { json, md };
}
