import { z } from 'zod';

/**
 * SPEC §9 environment variables (plus a few operational ones), parsed once in main.ts and passed
 * down frozen. A bad value is refused with the variable's name and the reason.
 */
const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
const optionalString = z.string().min(1).optional();

export const envSchema = z.object({
  HTTP_PORT: port.default(8080),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?|tcp)$/ }).optional(),
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  MQTT_PORT: port.default(1883),
  MQTT_USERNAME: optionalString,
  MQTT_PASSWORD: optionalString,
  /** SPEC §9: `loopback`, the embedded broker admits anonymous clients from this machine; `off`: never */
  MQTT_ANONYMOUS: z.enum(['loopback', 'off']).default('loopback'),
  MQTT_TOPIC_ROOT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depots'),
  /** shared-subscription group for ingest on an external broker; "none" turns shared subscriptions off */
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depotwatch-ingest').transform((g) => (g === 'none' ? '' : g)),
  INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  INFLUX_DB: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depotwatch'),
  INFLUX_TOKEN: optionalString,
  INFLUX_USERNAME: optionalString,
  INFLUX_PASSWORD: optionalString,
  DATA_DIR: z.string().min(1).default('./data'),
  CONFIG_DIR: z.string().min(1).default('./config'),
  WEB_DIR: z.string().min(1).default('./dist/web'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(env: Record<string, string | undefined>): Readonly<Env> {
  // an empty variable means unset, as in most shells' `FOO= cmd`
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(present);
  if (!r.success) {
    throw new EnvError(`invalid environment:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return Object.freeze(r.data);
}
