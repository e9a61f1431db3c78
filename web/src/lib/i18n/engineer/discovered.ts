// The engineer's "Discovered" tab (Devices that report but are not configured: approve into the configuration or ignore). Vietnamese first, terms from ../shared/GLOSSARY.md;
// English mirrors it key for key (the type makes a missing or extra key a compile error).
export const viDiscovered = {
  'engineer.tab.discovered': 'Thiết bị mới',
};

export const enDiscovered: Readonly<Record<keyof typeof viDiscovered, string>> = {
  'engineer.tab.discovered': 'Discovered',
};
