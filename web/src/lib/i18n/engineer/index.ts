// The engineer's desk, one dictionary per tab so that each tab's words live beside each other.
import { enCollectors, viCollectors } from './collectors.js';
import { enDiscovered, viDiscovered } from './discovered.js';
import { enDevices, viDevices } from './devices.js';
import { enRules, viRules } from './rules.js';
import { enVersions, viVersions } from './versions.js';
import { enEquipment, viEquipment } from './equipment.js';
import { enMaintenance, viMaintenance } from './maintenance.js';
import { enHealth, viHealth } from './health.js';
import { enUnits, viUnits } from './units.js';
import { enEdge, viEdge } from './edge.js';
import { enProblems, viProblems } from './problems.js';

export const viEngineer = {
  'nav.engineer': 'Kỹ thuật',
  'engineer.tabs': 'Các trang kỹ thuật',
  ...viCollectors,
  ...viDiscovered,
  ...viDevices,
  ...viRules,
  ...viVersions,
  ...viEquipment,
  ...viMaintenance,
  ...viHealth,
  ...viUnits,
  ...viEdge,
  ...viProblems,
};

export const enEngineer: Readonly<Record<keyof typeof viEngineer, string>> = {
  'nav.engineer': 'Engineering',
  'engineer.tabs': 'Engineering pages',
  ...enCollectors,
  ...enDiscovered,
  ...enDevices,
  ...enRules,
  ...enVersions,
  ...enEquipment,
  ...enMaintenance,
  ...enHealth,
  ...enUnits,
  ...enEdge,
  ...enProblems,
};
