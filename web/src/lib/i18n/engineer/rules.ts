// The engineer's "Alarm rules" tab (Rule editor with a backtest over stored history). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viRules = {
  'engineer.tab.rules': 'Quy tắc cảnh báo',
};

export const enRules: Readonly<Record<keyof typeof viRules, string>> = {
  'engineer.tab.rules': 'Alarm rules',
};
