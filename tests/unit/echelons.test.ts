import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from '../../config/schema.js';
import { buildEchelonTree, echelonProblems, expandScope, pathText, type EchelonSiteInput } from '../../server/src/domain/echelons.js';
import { flattenEchelons, rollUpEchelons, type DepotState } from '../../server/src/domain/echelon-rollup.js';
import { smallSite } from '../helpers/site.js';

/** QK1 → {F1 → {B1, B2}, F2}; QK2 with no units; depots at every kind of place */
const site = (): EchelonSiteInput => ({
  regions: [{ id: 'QK1', name: 'Quân khu 1', nameEn: 'Military region 1' }, { id: 'QK2', name: 'Quân khu 2' }],
  units: [
    { id: 'B1', name: 'Tiểu đoàn 1', parent: 'F1' }, // before its parent: order in the list does not matter
    { id: 'F1', name: 'Sư đoàn 1', nameEn: 'Division 1', parent: 'QK1' },
    { id: 'B2', name: 'Tiểu đoàn 2', parent: 'F1' },
    { id: 'F2', name: 'Sư đoàn 2', parent: 'QK1' },
  ],
  depots: [
    { id: 'K1', region: 'QK1', unit: 'B1' },
    { id: 'K2', region: 'QK1', unit: 'B1' },
    { id: 'K3', region: 'QK1', unit: 'B2' },
    { id: 'K4', region: 'QK1', unit: 'F1' },
    { id: 'K5', region: 'QK1' },
    { id: 'K6', region: 'QK2' },
  ],
});
const withUnits = (units: EchelonSiteInput['units'], depots: EchelonSiteInput['depots'] = site().depots.filter((d) => !d.unit)) => ({ ...site(), units, depots });
const messages = (s: EchelonSiteInput) => echelonProblems(s).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('echelon tree validation', () => {
  it('accepts a tree of any depth, and a site without units', () => {
    expect(echelonProblems(site())).toEqual([]);
    expect(echelonProblems({ ...site(), units: [], depots: site().depots.map(({ id, region }) => ({ id, region })) })).toEqual([]);
    const deep = Array.from({ length: 12 }, (_, i) => ({ id: `L${i}`, name: `L${i}`, parent: i === 0 ? 'QK1' : `L${i - 1}` }));
    expect(echelonProblems(withUnits(deep, [{ id: 'K1', region: 'QK1', unit: 'L11' }]))).toEqual([]);
  });

  it('names an unknown parent with the path that leads to it, and a depot given as a parent', () => {
    expect(messages(withUnits([{ id: 'U1', name: 'U1', parent: 'NOPE' }]))).toEqual(['units.0.parent: unknown parent "NOPE" (path: NOPE? → U1; a parent is a region or a unit)']);
    expect(messages(withUnits([{ id: 'U1', name: 'U1', parent: 'K5' }]))[0]).toContain('"K5" is a depot, not a region or a unit');
  });

  it('reports each cycle once, with its loop, including a unit that is its own parent', () => {
    const m = messages(withUnits([
      { id: 'A', name: 'A', parent: 'B' }, { id: 'B', name: 'B', parent: 'C' }, { id: 'C', name: 'C', parent: 'A' },
      { id: 'D', name: 'D', parent: 'A' }, // hangs off the cycle: not a second report
      { id: 'S', name: 'S', parent: 'S' },
    ]));
    expect(m).toEqual(['units.0.parent: cycle: A → B → C → A (a unit cannot sit beneath itself)', 'units.4.parent: cycle: S → S (a unit cannot sit beneath itself)']);
  });

  it('refuses duplicate unit ids and ids that clash with a region or a depot', () => {
    expect(messages(withUnits([
      { id: 'U1', name: 'a', parent: 'QK1' }, { id: 'U1', name: 'b', parent: 'QK1' }, { id: 'QK2', name: 'c', parent: 'QK1' }, { id: 'K5', name: 'd', parent: 'QK1' },
    ]))).toEqual([
      'units.1.id: duplicate unit id "U1"',
      'units.2.id: "QK2" is already a region id: a scope naming it would be ambiguous',
      'units.3.id: "K5" is already a depot id: a scope naming it would be ambiguous',
    ]);
    expect(messages({ ...site(), depots: [...site().depots, { id: 'QK2', region: 'QK2' }] })).toContain('depots.6.id: "QK2" is already a region id: a scope naming it would be ambiguous');
  });

  it('puts a depot in exactly one place: its unit must exist and lie in its region', () => {
    expect(messages({ ...site(), depots: [{ id: 'K1', region: 'QK1', unit: 'ZZ' }] })).toEqual(['depots.0.unit: unknown unit "ZZ"']);
    expect(messages({ ...site(), depots: [{ id: 'K1', region: 'QK1', unit: 'QK1' }] })[0]).toContain('"QK1" is a region: leave unit out');
    expect(messages({ ...site(), depots: [{ id: 'K1', region: 'QK2', unit: 'B1' }] })).toEqual([
      'depots.0.region: unit "B1" lies in region QK1 (QK1 → F1 → B1), not QK2: set region to QK1 or choose a unit of QK2',
    ]);
    // a depot under a broken unit is not blamed twice; an unknown region is the schema's message
    expect(messages({ ...site(), units: [{ id: 'X', name: 'X', parent: 'GONE' }], depots: [{ id: 'K1', region: 'QK1', unit: 'X' }] })).toHaveLength(1);
    expect(messages({ ...site(), depots: [{ id: 'K1', region: 'NOWHERE', unit: 'B1' }] })).toEqual([]);
  });

  it('is part of the site schema, every problem at once with its path', () => {
    const s = smallSite();
    const bad = { ...s, units: [{ id: 'U1', name: 'U1', parent: 'R9' }, { id: 'U2', name: 'U2', parent: 'U2' }], depots: s.depots.map((d) => ({ ...d, unit: 'U1' })) };
    const r = siteConfigSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['units.0.parent', 'units.1.parent']));
    const good = siteConfigSchema.parse({ ...s, units: [{ id: 'U1', name: 'Đơn vị 1', parent: 'R1' }], depots: s.depots.map((d) => (d.id === 'D1' ? { ...d, unit: 'U1' } : d)) });
    expect(good.depots[0]?.unit).toBe('U1');
    expect(siteConfigSchema.parse(s).units).toBeUndefined();
  });
});

describe('echelon tree', () => {
  const tree = buildEchelonTree(site());

  it('orders children and depots as configured and knows every depot beneath a node', () => {
    expect(tree.roots).toEqual(['QK1', 'QK2']);
    expect(tree.node('QK1')).toMatchObject({ kind: 'region', parent: null, depth: 0, children: ['F1', 'F2'], depots: ['K5'] });
    expect(tree.node('F1')).toMatchObject({ kind: 'unit', parent: 'QK1', depth: 1, children: ['B1', 'B2'], depots: ['K4'], nameEn: 'Division 1' });
    expect(tree.node('B1')).toMatchObject({ depth: 2, depots: ['K1', 'K2'] });
    expect(tree.depotsUnder('QK1')).toEqual(['K5', 'K4', 'K1', 'K2', 'K3']);
    expect(tree.depotsUnder('F2')).toEqual([]);
    expect(tree.depotsUnder('nothing')).toEqual([]);
    expect(tree.node('nothing')).toBeUndefined();
  });

  it('gives the path of a node and of a depot, and where a depot sits', () => {
    expect(pathText(tree.pathOf('K3'))).toBe('QK1 → F1 → B2 → K3');
    expect(tree.pathOf('B2')).toEqual(['QK1', 'F1', 'B2']);
    expect(tree.pathOf('K6')).toEqual(['QK2', 'K6']);
    expect(tree.pathOf('nothing')).toEqual([]);
    expect(tree.placeOf('K4')).toBe('F1');
    expect(tree.placeOf('K6')).toBe('QK2');
  });

  it('leaves out units that never reach a region instead of looping', () => {
    const t = buildEchelonTree({ ...site(), units: [{ id: 'A', name: 'A', parent: 'B' }, { id: 'B', name: 'B', parent: 'A' }, { id: 'C', name: 'C', parent: 'QK1' }], depots: [{ id: 'K1', region: 'QK1', unit: 'A' }, { id: 'K2', region: 'QK9' }] });
    expect(t.node('A')).toBeUndefined();
    expect(t.node('C')).toMatchObject({ depth: 1 });
    expect(t.placeOf('K1')).toBe('QK1'); // falls back to its region
    expect(t.placeOf('K2')).toBeUndefined();
  });

  it('resolves a scope at check time: a node is every depot beneath it now, a depot itself', () => {
    expect(expandScope(tree, null)).toBeNull();
    expect(expandScope(tree, ['F1'])).toEqual(['K1', 'K2', 'K3', 'K4']);
    expect(expandScope(tree, ['B1', 'K6', 'K1', 'GONE'])).toEqual(['GONE', 'K1', 'K2', 'K6']);
    expect(expandScope(tree, ['F2'])).toEqual([]);
    // the same stored scope over a tree where K5 moved under F1's B2
    const moved = buildEchelonTree({ ...site(), depots: site().depots.map((d) => (d.id === 'K5' ? { ...d, unit: 'B2' } : d)) });
    expect(expandScope(moved, ['F1'])).toEqual(['K1', 'K2', 'K3', 'K4', 'K5']);
  });
});

describe('readiness roll-up over the tree', () => {
  const tree = buildEchelonTree(site());
  const states: Record<string, DepotState> = {
    K1: { readiness: 'not_ready', reasons: [{ code: 'state_active', severity: 'critical' }, { code: 'state_active', severity: 'critical' }] },
    K2: { readiness: 'degraded', reasons: [{ code: 'cameras_offline', severity: 'major' }, { code: 'state_active', severity: 'minor' }] },
    K3: { readiness: 'ready', reasons: [] },
    K4: { readiness: 'degraded', reasons: [{ code: 'cameras_offline', severity: 'major' }] },
    // K5 has no live state: unknown
    K6: { readiness: 'ready', reasons: [] },
  };
  const state = (id: string) => states[id];
  const byId = (roots: ReturnType<typeof rollUpEchelons>) => new Map(flattenEchelons(roots).map((n) => [n.id, n]));

  it('rolls every level up from its children: worst level, counts, reasons with depot counts', () => {
    const nodes = byId(rollUpEchelons(tree, state));
    expect(nodes.get('B1')).toMatchObject({ readiness: 'not_ready', counts: { ready: 0, degraded: 1, not_ready: 1, unknown: 0 } });
    // state_active: twice at K1 and once (minor) at K2 = 2 depots, worst critical
    expect(nodes.get('B1')?.reasons).toEqual([{ code: 'state_active', severity: 'critical', depots: 2 }, { code: 'cameras_offline', severity: 'major', depots: 1 }]);
    expect(nodes.get('B2')).toMatchObject({ readiness: 'ready', counts: { ready: 1, degraded: 0, not_ready: 0, unknown: 0 }, reasons: [] });
    expect(nodes.get('F1')).toMatchObject({ readiness: 'not_ready', counts: { ready: 1, degraded: 2, not_ready: 1, unknown: 0 } });
    expect(nodes.get('F1')?.reasons).toEqual([{ code: 'state_active', severity: 'critical', depots: 2 }, { code: 'cameras_offline', severity: 'major', depots: 2 }]);
    expect(nodes.get('QK1')).toMatchObject({ readiness: 'not_ready', counts: { ready: 1, degraded: 2, not_ready: 1, unknown: 1 } });
    expect(nodes.get('QK2')).toMatchObject({ readiness: 'ready', counts: { ready: 1, degraded: 0, not_ready: 0, unknown: 0 } });
    expect(nodes.get('QK2')?.nameEn).toBeUndefined();
    // an empty unit stays for those who see everything, unknown with nothing counted
    expect(nodes.get('F2')).toMatchObject({ readiness: 'unknown', counts: { ready: 0, degraded: 0, not_ready: 0, unknown: 0 }, depots: [], children: [] });
    expect(nodes.get('QK1')?.nameEn).toBe('Military region 1');
    expect(nodes.get('F1')?.nameEn).toBe('Division 1');
  });

  it('is unknown where the worst beneath is unknown and nothing is worse', () => {
    const nodes = byId(rollUpEchelons(tree, (id) => (id === 'K5' ? undefined : { readiness: 'ready', reasons: [] })));
    expect(nodes.get('QK1')?.readiness).toBe('unknown');
    expect(nodes.get('F1')?.readiness).toBe('ready');
  });

  it('prunes what a scoped caller may not see, counts and reasons included', () => {
    const mine = new Set(['K3', 'K6']);
    const roots = rollUpEchelons(tree, state, (id) => mine.has(id));
    const nodes = byId(roots);
    expect([...nodes.keys()]).toEqual(['QK1', 'F1', 'B2', 'QK2']);
    expect(nodes.get('QK1')).toMatchObject({ readiness: 'ready', counts: { ready: 1, degraded: 0, not_ready: 0, unknown: 0 }, reasons: [], depots: [] });
    expect(nodes.get('F1')?.depots).toEqual([]);
  });

  it('keeps the worst reasons first and at most five', () => {
    const codes = ['threshold_high', 'threshold_low', 'rate_of_change', 'not_reporting', 'collector_offline', 'camera_tamper', 'door_outside_schedule'] as const;
    const many: DepotState = { readiness: 'degraded', reasons: codes.map((code, i) => ({ code, severity: i === 6 ? 'critical' : 'warning' })) };
    const roots = rollUpEchelons(tree, (id) => (id === 'K6' ? many : undefined));
    const qk2 = roots.find((r) => r.id === 'QK2');
    expect(qk2?.reasons).toHaveLength(5);
    expect(qk2?.reasons[0]).toEqual({ code: 'door_outside_schedule', severity: 'critical', depots: 1 });
  });

  it('skips a root the tree does not know', () => {
    const t = { ...tree, roots: ['QK1', 'GHOST'], node: tree.node, depotsUnder: tree.depotsUnder, pathOf: tree.pathOf, placeOf: tree.placeOf };
    expect(rollUpEchelons(t, state).map((r) => r.id)).toEqual(['QK1']);
  });
});
