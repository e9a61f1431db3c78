import type { SiteConfig } from '../config/schema.js';
import { createSimulator } from '../collectors/src/simulator/simulator.js';
import type { Logger } from '../lib/logger.js';
import { isLoopback } from '../server/src/adapters/mqtt/embedded-broker.js';
import { EnvError, type Env } from '../server/src/settings.js';
import type { System } from '../server/src/system.js';

/**
 * The demo's simulated depots beside a running centre, on the centre's own broker. SIMULATE unset means
 * every configured depot with the embedded broker and none with an external one. Returns the stop, or
 * undefined when nothing was started.
 *
 * Simulated readings must never mix with real ones: no simulator when collector accounts are configured
 * or the broker is reachable from other machines (see `simulatorRefusal`). Then SIMULATE unset means
 * none (logged), and an explicit SIMULATE=N refuses to start, naming the reason.
 */
export async function startDemoSimulator(system: System, env: Readonly<Env>, logger: Logger): Promise<(() => Promise<void>) | undefined> {
  const refusal = simulatorRefusal(env, system.site);
  if (refusal && env.SIMULATE !== undefined && env.SIMULATE > 0) {
    throw new EnvError(`SIMULATE=${env.SIMULATE}: no simulated depots here: ${refusal}. Unset SIMULATE (or set 0) to run without them.`);
  }
  if (refusal) logger.info({ reason: refusal }, 'demo simulator off');
  const count = refusal ? 0 : env.SIMULATE ?? (env.MQTT_URL ? 0 : system.site.depots.length);
  if (count <= 0) return undefined;
  const sim = createSimulator({
    mqttUrl: system.mqttUrl, root: env.MQTT_TOPIC_ROOT, site: system.site, count, intervalScale: env.SIMULATE_SCALE,
    faults: env.SIMULATE_FAULTS, logger,
  });
  await sim.start();
  return () => sim.stop();
}

/** why the simulator may not run beside this centre, or null when it may */
export function simulatorRefusal(env: Readonly<Env>, site: Pick<SiteConfig, 'collectors'>): string | null {
  if (site.collectors.length > 0) return `${site.collectors.length} collector account(s) are configured, so real collectors report here`;
  if (env.MQTT_URL) {
    const host = new URL(env.MQTT_URL).hostname.replace(/^\[(.*)\]$/, '$1');
    return isLoopback(host) ? null : `the broker (${host}) is not on this machine`;
  }
  if (!isLoopback(env.MQTT_HOST)) return `the embedded broker listens on ${env.MQTT_HOST}, beyond this machine`;
  if (env.MQTT_ANONYMOUS === 'off') return 'MQTT_ANONYMOUS=off, and the simulator connects anonymously';
  return null;
}
