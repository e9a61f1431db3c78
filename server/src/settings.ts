import { z } from 'zod';
import { bool, logEnvShape, mqttEnvShape, optionalString, parseEnvWith, port } from '../../lib/env.js';

export { EnvError } from '../../lib/env.js';
import { passwordProblem } from './domain/password-policy.js';

/**
 * SPEC §9 environment variables (plus a few operational ones), parsed once in main.ts and passed
 * down frozen. A bad value is refused with the variable's name and the reason.
 */
const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** a size: bytes, or with a binary unit (`512MiB`, `2G`, `1gb`: all powers of 1024) */
const byteSize = z.string().regex(/^\s*\d+(\.\d+)?\s*([kmgt]i?b?|b)?\s*$/i, 'a size like 1073741824, 512MiB or 2GiB')
  .transform((v) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)/i.exec(v);
    return Math.floor(Number(m?.[1] ?? 0) * (BYTE_UNITS[(m?.[2] ?? '').toLowerCase()] ?? 1));
  })
  .pipe(z.number().int().min(1024 * 1024, 'at least 1 MiB'));

export const envSchema = z.object({
  HTTP_PORT: port.default(8080),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  // MQTT_URL, MQTT_HOST, MQTT_PORT, MQTT_USERNAME, MQTT_PASSWORD, MQTT_TOPIC_ROOT: shared with the simulator CLI
  ...mqttEnvShape,
  /** SPEC §9: `loopback`, the embedded broker admits anonymous clients from this machine; `off`: never */
  MQTT_ANONYMOUS: z.enum(['loopback', 'off']).default('loopback'),
  /** the stable client id of this process's persistent MQTT session; default depotwatch-<centre|ingest>-<host name> */
  MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits and _ . : - only, at most 128').optional(),
  /** shared-subscription group for ingest on an external broker; "none" turns shared subscriptions off */
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depotwatch-ingest').transform((g) => (g === 'none' ? '' : g)),
  INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  INFLUX_DB: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depotwatch'),
  INFLUX_TOKEN: optionalString,
  INFLUX_USERNAME: optionalString,
  INFLUX_PASSWORD: optionalString,
  DATA_DIR: z.string().min(1).default('./data'),
  /** the on-disk telemetry queue's bound (DATA_DIR/telemetry-queue.db); past it the oldest points are dropped and counted */
  TELEMETRY_QUEUE_MAX_BYTES: byteSize.default(2 * 1024 ** 3),
  /** camera snapshots (DATA_DIR/snapshots) older than this many days are removed, unless an open incident holds them */
  SNAPSHOT_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
  /** and the oldest go first while all of them take more than this */
  SNAPSHOT_MAX_BYTES: byteSize.default(5 * 1024 ** 3),
  CONFIG_DIR: z.string().min(1).default('./config'),
  WEB_DIR: z.string().min(1).default('./dist/web'),
  /** the first admin's password; held to the same policy as every account (domain/password-policy.ts) */
  ADMIN_PASSWORD: z.string().optional().superRefine((v, ctx) => {
    const problem = v === undefined ? null : passwordProblem(v, 'admin');
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
  }),
  /** number of simulated depots; unset: every configured depot when the broker is embedded, none otherwise */
  SIMULATE: z.coerce.number().int().min(0).max(10_000).optional(),
  /** multiplies simulated reporting intervals (0.1 = ten times faster) */
  SIMULATE_SCALE: z.coerce.number().positive().max(100).default(1),
  /** "off": simulated cameras never fail at random (deterministic demos and tests) */
  SIMULATE_FAULTS: bool.default(true),
  /** "off": this process serves the board only and leaves storage to separate ingest processes */
  INGEST: bool.default(true),
  /** how often live changes are evaluated and pushed to boards: the upper bound of publish → board latency */
  LIVE_TICK_MS: z.coerce.number().int().min(20).max(5000).default(100),
  SECURE_COOKIES: bool.default(false),
  /** "on": the first start creates the demo's officer, guard and display users; unset: on for the demo, off for the centre */
  DEMO_USERS: bool.optional(),
  // LOG_LEVEL, LOG_FORMAT (json | pretty; unset: pretty on a terminal)
  ...logEnvShape,
  /**
   * the board's public origins (comma-separated, e.g. https://depotwatch.lan) when a reverse proxy
   * rewrites Host; unset: a live connection must come from the host it addresses
   */
  PUBLIC_ORIGIN: z.string().min(1).optional().superRefine((v, ctx) => {
    if (v === undefined) return;
    try { parsePublicOrigins(v); } catch { ctx.addIssue({ code: 'custom', message: 'a comma-separated list of origins such as https://depotwatch.lan' }); }
  }).transform((v) => (v === undefined ? [] : parsePublicOrigins(v))),
});

export type Env = z.infer<typeof envSchema>;

/** PUBLIC_ORIGIN's comma-separated list, each reduced to its origin (scheme://host[:port]); throws on a non-URL */
export function parsePublicOrigins(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => new URL(s).origin);
}

export function parseEnv(env: Record<string, string | undefined>): Readonly<Env> {
  return parseEnvWith(envSchema, env);
}
