// The engineer's "Versions" tab (Configuration versions: list, diff, rollback, export). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viVersions = {
  'engineer.tab.versions': 'Phiên bản cấu hình',
};

export const enVersions: Readonly<Record<keyof typeof viVersions, string>> = {
  'engineer.tab.versions': 'Versions',
};
