import { createSimulator } from '../collectors/src/simulator/simulator.js';
import type { Logger } from '../lib/logger.js';
import type { Env } from '../server/src/settings.js';
import type { System } from '../server/src/system.js';

/**
 * The demo's simulated depots beside a running centre, on the centre's own broker. SIMULATE unset means
 * every configured depot with the embedded broker and none with an external one. Returns the stop, or
 * undefined when nothing was started.
 */
export async function startDemoSimulator(system: System, env: Readonly<Env>, logger: Logger): Promise<(() => Promise<void>) | undefined> {
  const count = env.SIMULATE ?? (env.MQTT_URL ? 0 : system.site.depots.length);
  if (count <= 0) return undefined;
  const sim = createSimulator({
    mqttUrl: system.mqttUrl, root: env.MQTT_TOPIC_ROOT, site: system.site, count, intervalScale: env.SIMULATE_SCALE,
    faults: env.SIMULATE_FAULTS, logger,
  });
  await sim.start();
  return () => sim.stop();
}
