// Checks the audit log's hash chain in DATA_DIR's depotwatch.db (read-only) and says, in one sentence,
// whether it holds; exit code 0 when it does, 1 when it does not or cannot be checked.
//   npm run audit:verify
//   npm run audit:verify -- --anchor 1234:<sha256 hex>   (a head recorded earlier, e.g. from the log)
// The anchor catches what the chain alone cannot: someone with the file rewriting every hash after an edit.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openStateDbReadOnly, hasAuditChain } from '../server/src/adapters/sqlite/state-db.js';
import { createSqliteAlarmStore } from '../server/src/adapters/sqlite/alarm-store.js';
import { parseAnchor } from '../server/src/domain/audit-chain.js';
import { verdictSentence, verifyAuditChain } from '../server/src/services/audit-verify.js';
import { parseEnv } from '../server/src/settings.js';

function fail(sentence: string): never {
  console.error(sentence);
  process.exit(1);
}

const args = process.argv.slice(2);
const anchorAt = args.indexOf('--anchor');
const anchorText = anchorAt >= 0 ? args[anchorAt + 1] : undefined;
const anchor = anchorText !== undefined ? parseAnchor(anchorText) : undefined;
if (anchorAt >= 0 && !anchor) fail(`--anchor must be <id>:<64 hex digits>, as the server logs it; got ${anchorText ?? 'nothing'}.`);

const path = join(parseEnv(process.env).DATA_DIR, 'depotwatch.db');
if (!existsSync(path)) fail(`No DepotWatch database at ${path}: set DATA_DIR to the server's data directory.`);
const db = openStateDbReadOnly(path);
try {
  if (!hasAuditChain(db)) fail(`The audit log in ${path} is not chained yet: start this version of the server once to chain it.`);
  const verdict = await verifyAuditChain(createSqliteAlarmStore(db), anchor ? { anchor } : {});
  if (verdict.ok) process.stdout.write(`${verdictSentence(verdict)}\n`);
  else fail(verdictSentence(verdict));
} finally {
  db.close();
}
