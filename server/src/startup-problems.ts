import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { errorCode, unreachableReason } from '../../lib/net-errors.js';
import type { Env } from './settings.js';

/**
 * The ways a first start goes wrong that are the machine's, not a bug: a port taken, a directory missing or
 * read-only, a broker that is not there. Each becomes one sentence with its remedy, printed instead of a stack
 * trace. `command` is how the person started us ("npm start"), so the remedy can be pasted as is.
 */
export interface StartupContext { env: Readonly<Env>; command: string }

type Sys = Error & { code?: string | number; syscall?: string; port?: number; address?: string; path?: string };

/** One sentence for an error startSystem threw, or null when it is not one we can explain (a real bug: keep the stack). */
export function startupProblem(err: unknown, { env, command }: StartupContext): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as Sys;
  if (e.syscall === 'listen') return listenProblem(e, env, command);
  if (env.MQTT_URL) {
    const reason = unreachableReason(err);
    if (reason) {
      return `the MQTT broker at ${env.MQTT_URL} cannot be reached (${reason}): start it or correct MQTT_URL, `
        + `or leave MQTT_URL unset to use DepotWatch's embedded broker`;
    }
    const mqttCode = (err as { code?: unknown }).code;
    if (typeof mqttCode === 'number' && /not authori[sz]ed|bad user ?name or password/i.test(err.message)) {
      return `the MQTT broker at ${env.MQTT_URL} refused DepotWatch's login (${err.message.replace(/^Connection refused: /, '').toLowerCase()}): check MQTT_USERNAME and MQTT_PASSWORD`;
    }
  }
  const code = errorCode(err);
  if (e.path && code && ['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST'].includes(code)) {
    if (e.path.startsWith(env.CONFIG_DIR)) return configDirProblem(env.CONFIG_DIR, code);
    if (e.path.startsWith(env.DATA_DIR)) return dataDirProblem(env.DATA_DIR, code);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') return dataDirProblem(env.DATA_DIR, 'EACCES');
  return null;
}

function listenProblem(e: Sys, env: Readonly<Env>, command: string): string | null {
  const port = e.port ?? NaN;
  const isBroker = !env.MQTT_URL && port === env.MQTT_PORT && port !== env.HTTP_PORT;
  const what = isBroker ? 'MQTT_PORT' : 'HTTP_PORT';
  switch (String(e.code)) {
    case 'EADDRINUSE':
      return isBroker
        ? `port ${port} is in use (another MQTT broker?): start with MQTT_PORT=${port + 1} ${command}, `
          + `or MQTT_URL=mqtt://localhost:${port} ${command} to use the broker already there`
        : `port ${port} is in use (another DepotWatch or web server?): start with HTTP_PORT=${port + 1} ${command}, or stop what is using it`;
    case 'EACCES':
      return `port ${port} needs administrator rights on this machine: start with ${what}=${port < 1024 ? port + 8000 : port + 1} ${command}`;
    case 'EADDRNOTAVAIL':
      return `${isBroker ? 'MQTT_HOST' : 'HTTP_HOST'} ${e.address ?? ''} is not an address of this machine: `
        + `start with ${isBroker ? 'MQTT_HOST=127.0.0.1' : 'HTTP_HOST=0.0.0.0'} ${command}`;
    default:
      return null;
  }
}

function configDirProblem(dir: string, code: string): string {
  switch (code) {
    case 'ENOENT': return `CONFIG_DIR ${dir} does not exist: set CONFIG_DIR to the directory holding the *.yaml files (the demo's is ./config)`;
    case 'ENOTDIR': return `CONFIG_DIR ${dir} is not a directory: set CONFIG_DIR to the directory holding the *.yaml files (the demo's is ./config)`;
    default: return `CONFIG_DIR ${dir} cannot be read (permission denied): let DepotWatch's user read it, or set CONFIG_DIR to another directory`;
  }
}

function dataDirProblem(dir: string, code: string): string {
  const fix = 'set DATA_DIR to a directory DepotWatch may write (e.g. DATA_DIR=./data), or fix its permissions';
  switch (code) {
    case 'ENOTDIR': case 'EEXIST': return `DATA_DIR ${dir} is not a directory (a file is in the way): ${fix}`;
    case 'EROFS': return `DATA_DIR ${dir} is on a read-only file system: ${fix}`;
    default: return `DATA_DIR ${dir} cannot be written (${code === 'ENOENT' ? 'it cannot be created' : 'permission denied'}): ${fix}`;
  }
}

/**
 * Checks the directories before anything starts, so a bad one is named plainly rather than surfacing as
 * SQLite's "unable to open database file". DATA_DIR is created when missing (a first start); CONFIG_DIR must exist.
 */
export function checkDirectories(env: Readonly<Env>): string[] {
  const problems: string[] = [];
  try {
    if (!statSync(env.CONFIG_DIR).isDirectory()) problems.push(configDirProblem(env.CONFIG_DIR, 'ENOTDIR'));
    else accessSync(env.CONFIG_DIR, constants.R_OK | constants.X_OK);
  } catch (err) {
    problems.push(configDirProblem(env.CONFIG_DIR, errorCode(err) ?? 'EACCES'));
  }
  try {
    mkdirSync(env.DATA_DIR, { recursive: true });
    if (!statSync(env.DATA_DIR).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(env.DATA_DIR, constants.W_OK | constants.X_OK);
  } catch (err) {
    problems.push(dataDirProblem(env.DATA_DIR, errorCode(err) ?? 'EACCES'));
  }
  return problems;
}
