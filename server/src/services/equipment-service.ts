import { stringify } from 'yaml';
import type { ConfigChangeResult } from '../contracts/config.js';
import type { CsvProblem, EquipmentResponse, VersionDigest } from '../contracts/equipment.js';
import { applyEquipmentRows, equipmentToCsv, parseEquipmentCsv } from '../domain/equipment-csv.js';
import { calibrationCounts, listEquipment, searchByCode } from '../domain/equipment.js';
import type { Clock } from '../ports/clock.js';
import { maskSecrets } from '../domain/secrets.js';
import type { ConfigService } from './config-service.js';

/** An imported CSV refused: every bad cell with its row and column; nothing was stored. */
export class EquipmentCsvError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(`the CSV was refused: ${problems.slice(0, 5).map((p) => `row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.message}`).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
}

export type { VersionDigest };

/**
 * The equipment register and the versions page's reads over the configuration service (issue 8):
 * the register is part of the versioned configuration, so an import is one more version with its
 * author, comment and audit entry, and a rollback undoes it like any other change.
 */
export function createEquipmentService(deps: { config: ConfigService; clock: Clock }) {
  const { config, clock } = deps;
  const items = (soonDays: number, visible: (depot: string) => boolean) =>
    listEquipment(config.current().site, clock.now(), soonDays).filter((i) => visible(i.depot));

  return {
    list(q: { code?: string | undefined; depot?: string | undefined; soonDays: number; due?: boolean }, visible: (depot: string) => boolean): EquipmentResponse {
      const all = items(q.soonDays, (d) => visible(d) && (q.depot === undefined || d === q.depot));
      let found = q.code !== undefined ? searchByCode(all, q.code) : all;
      if (q.due) found = found.filter((i) => i.calibration.state === 'overdue' || i.calibration.state === 'due_soon');
      // the counts are over everything in scope: the tab's warning does not depend on the search box
      return { items: found, counts: { ...calibrationCounts(all), total: all.length }, soonDays: q.soonDays };
    },

    csv(visible: (depot: string) => boolean): { text: string; version: number } {
      return { text: equipmentToCsv(items(30, visible)), version: config.current().meta.n };
    },

    /** the CSV's register fields onto the running configuration, stored as the next version */
    importCsv(text: string, v: { base: number | undefined; author: string; comment: string }): ConfigChangeResult {
      const parsed = parseEquipmentCsv(text);
      if (!parsed.ok) throw new EquipmentCsvError(parsed.problems);
      const running = config.current();
      const applied = applyEquipmentRows(running.site, parsed.rows);
      if (!applied.ok) throw new EquipmentCsvError(applied.problems);
      // the rows are merged onto the version running now, so without a base that one is the base
      return config.put(applied.site, {
        base: v.base ?? running.meta.n, author: v.author,
        comment: v.comment || `equipment register imported from CSV (${parsed.rows.length} rows)`,
      });
    },

    digest(q: { before?: number; limit: number }): VersionDigest[] {
      return config.versions(q).map((m) => ({ ...m, head: m.changes ? config.version(m.n).diff.slice(0, 3) : [] }));
    },

    /** configuration as code: version n (or the running one) as one YAML file the loader reads back */
    yaml(n: number | undefined): { text: string; n: number } {
      if (n === undefined || n === config.current().meta.n) return { text: config.toYaml(), n: config.current().meta.n };
      const v = config.version(n);
      return { text: `# DepotWatch configuration version ${v.n} (${v.source}, ${new Date(v.at).toISOString()}, by ${v.author})\n${stringify(maskSecrets(v.config))}`, n: v.n };
    },
  };
}
export type EquipmentService = ReturnType<typeof createEquipmentService>;
