import { connectAsync, type MqttClient } from 'mqtt';
import type { Qos } from './options.js';

/**
 * The bench's own MQTT publisher, for warm-up messages and latency probes (the load itself comes from
 * load.mjs in separate processes). TCP_NODELAY as in load.mjs: Nagle would add up to 40 ms to a probe.
 */
export interface Publisher {
  publish(topic: string, payload: string, qos: Qos): void;
  close(): Promise<void>;
}

export async function connectPublisher(url: string, name: string): Promise<Publisher> {
  const client: MqttClient = await connectAsync(url, { clientId: `bench-${name}-${process.pid}`, reconnectPeriod: 0, connectTimeout: 10_000 });
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.on('error', (err) => console.error(`bench publisher ${name}: ${err.message}`));
  return {
    publish(topic, payload, qos) { client.publish(topic, payload, { qos }); },
    close: () => client.endAsync(),
  };
}
