/**
 * Command-line flags of `npm run bench`. Parsed by hand: four flags do not justify a dependency.
 *
 *   --quick              short ladder, 5 s steps: a smoke run of a few minutes
 *   --sinks a,b,…        which sinks to measure (default: every DepotWatch sink and the bare collector)
 *   --nodered            add the two Node-RED peers (installed into .bench-peers on first use)
 *   --profile            also CPU-profile the DepotWatch server under 10k msg/s and name its top functions
 *   --calm               no threshold rules for the load's kinds: a site without standing alarms
 *   --peers DIR          where the reference peer scripts are (default ../shared/bench)
 *   --qos 0|1|0,1        which QoS ladders to climb (default both)
 *   --mosquitto-defaults the broker with Mosquitto's stock limits instead of the README's production tuning
 */
export const SINK_IDS = ['dw-influx', 'dw-sqlite', 'dw-ingest', 'bare', 'nodered-batch', 'nodered-permsg'] as const;
export type SinkId = (typeof SINK_IDS)[number];
export type Qos = 0 | 1;

export interface BenchOptions {
  quick: boolean;
  sinks: SinkId[];
  profile: boolean;
  calm: boolean;
  peersDir: string;
  /** target rates of the ladder, msg/s, climbed until the first one a sink does not keep up with */
  rates: number[];
  stepSec: number;
  /** how long a sink's idle CPU is measured, after its first pass */
  idleSec: number;
  qos: Qos[];
  /** background loads for the publish → Socket.IO latency, msg/s */
  latencyRates: number[];
  latencySec: number;
  /** publisher processes of the load generator */
  pubs: number;
  /** Mosquitto with its stock limits (20 in flight, 1,000 queued) instead of PRODUCTION_MOSQUITTO_TUNING */
  mosquittoDefaults: boolean;
}

const DEFAULT_SINKS: SinkId[] = ['dw-influx', 'dw-sqlite', 'dw-ingest', 'bare'];
const NODERED_SINKS: SinkId[] = ['nodered-batch', 'nodered-permsg'];

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let nodered = false;
  let profile = false;
  let calm = false;
  let mosquittoDefaults = false;
  let qos: Qos[] = [0, 1];
  let sinks: SinkId[] | undefined;
  let peersDir = '../shared/bench';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--quick': quick = true; break;
      case '--nodered': nodered = true; break;
      case '--profile': profile = true; break;
      case '--calm': calm = true; break;
      case '--mosquitto-defaults': mosquittoDefaults = true; break;
      case '--qos': {
        const list = (argv[++i] ?? '').split(',').filter(Boolean);
        if (list.length === 0 || list.some((q) => q !== '0' && q !== '1')) throw new UsageError('--qos needs 0, 1 or 0,1');
        qos = list.map((q) => (q === '1' ? 1 : 0));
        break;
      }
      case '--sinks': sinks = parseSinks(argv[++i]); break;
      case '--peers': {
        const dir = argv[++i];
        if (!dir) throw new UsageError('--peers needs a directory');
        peersDir = dir;
        break;
      }
      case undefined:
      default: throw new UsageError(`unknown argument "${a}" (known: --quick, --sinks a,b, --nodered, --profile, --calm, --peers DIR, --qos 0,1, --mosquitto-defaults)`);
    }
  }
  const chosen = sinks ?? DEFAULT_SINKS;
  const all = nodered ? [...chosen, ...NODERED_SINKS.filter((s) => !chosen.includes(s))] : chosen;
  return {
    quick,
    sinks: all,
    profile,
    calm,
    peersDir,
    // Full: the README's ladder, enough to find where each sink stops; quick: one step, to prove it all works.
    rates: quick ? [10_000] : [2_000, 5_000, 10_000, 20_000, 30_000, 40_000],
    stepSec: quick ? 5 : 10,
    idleSec: quick ? 2 : 4,
    qos,
    latencyRates: [1_000, 10_000],
    latencySec: quick ? 6 : 20,
    pubs: 2,
    mosquittoDefaults,
  };
}

function parseSinks(list: string | undefined): SinkId[] {
  if (!list) throw new UsageError(`--sinks needs a comma-separated list of ${SINK_IDS.join(', ')}`);
  const out: SinkId[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const id = SINK_IDS.find((s) => s === name);
    if (!id) throw new UsageError(`unknown sink "${name}" (known: ${SINK_IDS.join(', ')})`);
    if (!out.includes(id)) out.push(id);
  }
  if (out.length === 0) throw new UsageError('--sinks is empty');
  return out;
}
