// The engineer's "Alarm health" tab (ISA-18.2 alarm KPIs with a trend over days). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viHealth = {
  'engineer.tab.health': 'Chất lượng cảnh báo',
};

export const enHealth: Readonly<Record<keyof typeof viHealth, string>> = {
  'engineer.tab.health': 'Alarm health',
};
