import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';

/**
 * The yardstick for the edge benchmark: the same depot sending without a spool, a bare mqtt.js client that
 * publishes each reading as it comes (QoS 1). Driven like tests/fixtures/synthetic-edge.ts: one JSON command a
 * line on stdin ({"cmd":"emit","readings":[…]}), one reply a line on stdout.
 */
const url = process.env.EDGE_URL ?? '';
const depot = process.env.EDGE_DEPOT ?? 'K101';
const client = await connectAsync(url, { clientId: `direct-${depot}`, clean: true, reconnectPeriod: 1000 });
(client.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
const reply = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
const status = () => ({ connected: client.connected, spooled: 0 });
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; readings?: { type: string; sensorId?: string; cameraId?: string; payload: unknown }[] };
  if (cmd.cmd === 'emit') {
    for (const r of cmd.readings ?? []) {
      const topic = r.type === 'sensor' ? `depots/${depot}/sensors/${r.sensorId}` : `depots/${depot}/cameras/${r.cameraId}/health`;
      client.publish(topic, JSON.stringify(r.payload), { qos: 1 });
    }
    reply({ ok: true, status: status() });
  } else if (cmd.cmd === 'status') reply({ ok: true, status: status() });
  else void client.endAsync().then(() => { reply({ ok: true }); process.exit(0); });
});
reply({ ready: true });
