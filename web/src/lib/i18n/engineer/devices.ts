// The engineer's "Depots & devices" tab (Depot, zone, sensor and camera editors). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viDevices = {
  'engineer.tab.devices': 'Kho · khu · thiết bị',
};

export const enDevices: Readonly<Record<keyof typeof viDevices, string>> = {
  'engineer.tab.devices': 'Depots & devices',
};
