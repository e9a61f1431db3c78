// The engineer's "Echelons" tab (The echelon tree: military region, unit, depot). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viUnits = {
  'engineer.tab.units': 'Cây tổ chức',
};

export const enUnits: Readonly<Record<keyof typeof viUnits, string>> = {
  'engineer.tab.units': 'Echelons',
};
