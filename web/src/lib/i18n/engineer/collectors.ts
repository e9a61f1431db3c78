// The engineer's "Collectors" tab (Collectors per depot: online, last seen, version, configuration version, spool, message rate and rejections). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viCollectors = {
  'engineer.tab.collectors': 'Bộ thu thập',
};

export const enCollectors: Readonly<Record<keyof typeof viCollectors, string>> = {
  'engineer.tab.collectors': 'Collectors',
};
