// The production Mosquitto's password file, ACL file and configuration (README, "Production set-up"):
//   npm run broker-config -- --out /etc/mosquitto/depotwatch [--passwords passwords.yaml]
//                            [--listen 0.0.0.0:1883] [--centre-listen 127.0.0.1:1884] [--force]
// Accounts: one per depot with a collector account in CONFIG_DIR (every configured depot when there is
// none), plus the centre's (MQTT_USERNAME, default `depotwatch`). Passwords come from the --passwords
// YAML (`K101: "…"`, `depotwatch: "…"`); any account missing there gets a random one, printed once here
// and stored nowhere in clear. (The argon2 hashes of the embedded broker's accounts cannot be converted.)
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadSiteConfig } from '../config/loader.js';
import { PACKET_LIMITS } from '../server/src/adapters/mqtt/packet-limit.js';
import { EnvError, parseEnv } from '../server/src/settings.js';
import { aclFile, generatePassword, mosquittoConf, parseListen, passwdFile, passwordsFileSchema } from './mosquitto-files.js';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        out: { type: 'string' }, passwords: { type: 'string' }, listen: { type: 'string', default: '0.0.0.0:1883' },
        'centre-listen': { type: 'string', default: '127.0.0.1:1884' }, force: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return fail(`broker-config: ${(err as Error).message}`);
  }
})();
if (!values.out) fail('usage: npm run broker-config -- --out DIR [--passwords FILE.yaml] [--listen host:port] [--centre-listen host:port] [--force]');

let env;
let site;
try {
  env = parseEnv(process.env);
  site = loadSiteConfig(env.CONFIG_DIR);
} catch (err) {
  if (err instanceof EnvError || err instanceof ConfigError) fail(err.message);
  throw err;
}
let listeners;
try {
  listeners = { collectors: parseListen(values.listen, '--listen'), centre: parseListen(values['centre-listen'], '--centre-listen') };
} catch (err) {
  fail((err as Error).message);
}

const centreUser = env.MQTT_USERNAME ?? 'depotwatch';
const depots = site.collectors.length > 0 ? site.collectors.map((c) => c.depot) : site.depots.map((d) => d.id);
if (depots.includes(centreUser)) fail(`the centre's username "${centreUser}" is also a depot id; set MQTT_USERNAME to another name`);
const accounts = [centreUser, ...depots];

const given = new Map<string, string>();
if (values.passwords) {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(values.passwords, 'utf8'));
  } catch (err) {
    fail(`${values.passwords}: ${(err as Error).message}`);
  }
  const parsed = passwordsFileSchema.safeParse(raw ?? {});
  if (!parsed.success) fail(`${values.passwords}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n')}`);
  const unknown = Object.keys(parsed.data).filter((a) => !accounts.includes(a));
  if (unknown.length) fail(`${values.passwords}: unknown account(s) ${unknown.join(', ')}; accounts are ${centreUser} and the depots ${depots.join(', ')}`);
  for (const [a, p] of Object.entries(parsed.data)) given.set(a, p);
}

const dir = resolve(values.out);
const files = { passwd: join(dir, 'passwd'), acl: join(dir, 'acl'), conf: join(dir, 'depotwatch.conf') };
const existing = Object.values(files).filter((f) => existsSync(f));
if (existing.length && !values.force) fail(`${existing.join(', ')} already exist(s); --force replaces them (and any generated password)`);

const generated = new Map<string, string>();
const passwords = new Map(accounts.map((a) => {
  const p = given.get(a) ?? generatePassword();
  if (!given.has(a)) generated.set(a, p);
  return [a, p] as const;
}));

mkdirSync(dir, { recursive: true });
writeFileSync(files.passwd, passwdFile(passwords), { mode: 0o600 });
chmodSync(files.passwd, 0o600);
writeFileSync(files.acl, aclFile({ root: env.MQTT_TOPIC_ROOT, centreUser, depots }));
writeFileSync(files.conf, mosquittoConf({ dir, listeners, maxPacketBytes: PACKET_LIMITS.maxPacketBytes }));

console.log(`wrote ${files.passwd} (${accounts.length} accounts), ${files.acl}, ${files.conf}`);
console.log(`collectors connect to ${values.listen}; the centre (MQTT_USERNAME=${centreUser}) to ${values['centre-listen']}`);
console.log(`Mosquitto reads the password file as its own user: chown mosquitto: ${files.passwd}; copy ${files.conf} to /etc/mosquitto/conf.d/`);
if (generated.size) {
  console.log(`\n# generated passwords, shown this once (YAML for --passwords; give each depot's to its edge collector's mqtt.password, the centre's to MQTT_PASSWORD):`);
  for (const [a, p] of generated) console.log(`${a}: "${p}"`);
}
