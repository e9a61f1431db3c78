// The engineer's "Maintenance" tab (Recurring maintenance windows per depot or device). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viMaintenance = {
  'engineer.tab.maintenance': 'Bảo trì định kỳ',
};

export const enMaintenance: Readonly<Record<keyof typeof viMaintenance, string>> = {
  'engineer.tab.maintenance': 'Maintenance',
};
