import { describe, expect, it } from 'vitest';
import { siteConfigSchema, type SiteConfig } from '../../config/schema.js';
import { addUnit, idProblem, moveDepot, moveTargets, moveUnit, regionOf, renameNode } from '../../web/src/lib/transforms/echelon-edit.js';
import { rollUpEchelons } from '../../server/src/domain/echelon-rollup.js';
import { buildEchelonTree } from '../../server/src/domain/echelons.js';
import { smallSite } from '../helpers/site.js';

/** R1 → U1 → U1A; D1 in U1A; D2 directly under R2 */
const base = (): SiteConfig => {
  const s = structuredClone(smallSite()) as SiteConfig;
  return siteConfigSchema.parse({ ...s, units: [{ id: 'U1', name: 'Đơn vị 1', parent: 'R1' }, { id: 'U1A', name: 'Phân đội', parent: 'U1' }], depots: s.depots.map((d) => (d.id === 'D1' ? { ...d, unit: 'U1A' } : d)) });
};
const valid = (s: SiteConfig) => siteConfigSchema.safeParse(s).success;

describe('the Echelons tab’s edits', () => {
  it('adds a unit under a node, leaving the input untouched', () => {
    const s = base();
    const next = addUnit(s, { id: ' U2 ', name: ' Đơn vị 2 ', nameEn: 'Unit 2', parent: 'R2' });
    expect(next.units?.at(-1)).toEqual({ id: 'U2', name: 'Đơn vị 2', nameEn: 'Unit 2', parent: 'R2' });
    expect(s.units).toHaveLength(2);
    expect(valid(next)).toBe(true);
    expect(addUnit(s, { id: 'U3', name: 'x', nameEn: '  ', parent: 'R1' }).units?.at(-1)).not.toHaveProperty('nameEn');
  });

  it('renames a region, unit or depot, an empty English name removing it', () => {
    const s = renameNode(renameNode(renameNode(base(), 'U1', 'Lữ đoàn 1', 'Brigade 1'), 'D2', 'Kho D2 mới', ''), 'R2', 'Khu vực Nam', 'South');
    expect(s.units?.[0]).toMatchObject({ name: 'Lữ đoàn 1', nameEn: 'Brigade 1' });
    expect(s.depots[1]).toMatchObject({ name: 'Kho D2 mới' });
    expect(s.depots[1]).not.toHaveProperty('nameEn');
    expect(s.regions[1]).toMatchObject({ name: 'Khu vực Nam', nameEn: 'South' });
  });

  it('moves a depot to a unit of another region (its region follows) or directly under a region (no unit)', () => {
    const toUnit = moveDepot(base(), 'D2', 'U1');
    expect(toUnit.depots[1]).toMatchObject({ region: 'R1', unit: 'U1' });
    expect(valid(toUnit)).toBe(true);
    const toRegion = moveDepot(base(), 'D1', 'R2');
    expect(toRegion.depots[0]?.region).toBe('R2');
    expect(toRegion.depots[0]).not.toHaveProperty('unit');
    expect(valid(toRegion)).toBe(true);
  });

  it('moves a unit with everything beneath it; a move beneath itself is left for the server to refuse', () => {
    const moved = moveUnit(base(), 'U1', 'R2');
    expect(moved.units?.[0]?.parent).toBe('R2');
    expect(moved.depots[0]).toMatchObject({ region: 'R2', unit: 'U1A' });
    expect(valid(moved)).toBe(true);
    const loop = moveUnit(base(), 'U1', 'U1A');
    expect(valid(loop)).toBe(false);
    expect(regionOf(loop, 'U1')).toBeUndefined();
    expect(regionOf(base(), 'U1A')).toBe('R1');
    expect(regionOf(base(), 'nothing')).toBeUndefined();
  });

  it('offers as targets every node but the one moving and what lies beneath it', () => {
    const tree = rollUpEchelons(buildEchelonTree({ regions: base().regions, units: base().units ?? [], depots: base().depots }), () => undefined);
    expect(moveTargets(tree, 'U1').map((n) => n.id)).toEqual(['R1', 'R2']);
    expect(moveTargets(tree, '').map((n) => n.id)).toEqual(['R1', 'U1', 'U1A', 'R2']);
  });

  it('checks a new id: present, well formed, not taken by a region, unit or depot', () => {
    const s = base();
    expect(idProblem(s, ' ')).toBe('empty');
    expect(idProblem(s, 'a b')).toBe('format');
    expect(idProblem(s, 'R1')).toBe('taken');
    expect(idProblem(s, 'U1A')).toBe('taken');
    expect(idProblem(s, 'D2')).toBe('taken');
    expect(idProblem(s, 'U9')).toBeNull();
  });
});

describe('the handover report grouped by the echelon tree', () => {
  it('puts each incident under the path of its depot’s place, groups in tree order, unknown depots last', async () => {
    const { groupByEchelon } = await import('../../web/src/lib/transforms/handover.js');
    const tree = rollUpEchelons(buildEchelonTree({ regions: base().regions, units: base().units ?? [], depots: base().depots }), () => undefined);
    const row = (id: string, depot: string) => ({ incident: { id, depot } as never, ackBy: null, ackAt: null, ackNote: null, notes: 0 });
    const groups = groupByEchelon([row('I1', 'GONE'), row('I2', 'D2'), row('I3', 'D1'), row('I4', 'D1')], tree);
    expect(groups.map((g) => g.path.map((p) => p.id).join('›'))).toEqual(['R1›U1›U1A', 'R2', '']);
    expect(groups[0]?.rows.map((r) => r.incident.id)).toEqual(['I3', 'I4']);
    expect(groups[0]?.path[0]).toEqual({ id: 'R1', name: 'Khu vực 1', nameEn: 'Region 1' });
    expect(groupByEchelon([], tree)).toEqual([]);
  });
});
