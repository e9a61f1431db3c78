// The engineer's "Equipment" tab (The equipment register: identification codes, models, serials, calibration). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viEquipment = {
  'engineer.tab.equipment': 'Hồ sơ trang bị',
};

export const enEquipment: Readonly<Record<keyof typeof viEquipment, string>> = {
  'engineer.tab.equipment': 'Equipment',
};
