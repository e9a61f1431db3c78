import { z } from 'zod';

/**
 * The environment variables both sides read (the centre in server/src/settings.ts, the simulator CLI and,
 * later, the edge collector): the broker's address and the logs. One definition, so `MQTT_PORT=1884` means
 * the same port to `npm start` and to `npm run simulate`.
 */
export const port = z.coerce.number().int().min(0).max(65535);
export const bool = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
export const optionalString = z.string().min(1).optional();

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const mqttEnvShape = {
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?|tcp)$/ }).optional(),
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  MQTT_PORT: port.default(1883),
  MQTT_USERNAME: optionalString,
  MQTT_PASSWORD: optionalString,
  MQTT_TOPIC_ROOT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('depots'),
};

export const logEnvShape = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** unset: pretty on a terminal, JSON lines otherwise */
  LOG_FORMAT: z.enum(LOG_FORMATS).optional(),
};

export const sharedEnvSchema = z.object({ ...mqttEnvShape, ...logEnvShape });
export type SharedEnv = z.infer<typeof sharedEnvSchema>;

export class EnvError extends Error {}

/** Parses `env` against `schema`; every bad variable is named at once. An empty variable means unset, as in `FOO= cmd`. */
export function parseEnvWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.infer<S>> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(present);
  if (!r.success) {
    throw new EnvError(`invalid environment:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return Object.freeze(r.data);
}

/**
 * The broker a local client (the simulator, a tool) talks to: MQTT_URL when set, else the embedded broker on
 * MQTT_HOST:MQTT_PORT, reached over loopback when it listens on every address.
 */
export function brokerUrl(env: Pick<SharedEnv, 'MQTT_URL' | 'MQTT_HOST' | 'MQTT_PORT'>, port: number = env.MQTT_PORT): string {
  if (env.MQTT_URL) return env.MQTT_URL;
  const host = env.MQTT_HOST === '0.0.0.0' ? '127.0.0.1' : env.MQTT_HOST === '::' ? '::1' : env.MQTT_HOST;
  return `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Pretty when asked, or when a person is reading the terminal; JSON lines for files, journald and collectors. */
export function logFormat(asked: LogFormat | undefined, isTTY: boolean | undefined): LogFormat {
  return asked ?? (isTTY ? 'pretty' : 'json');
}
