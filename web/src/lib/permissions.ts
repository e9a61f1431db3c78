// The server's own permission table (server/src/domain/permissions.ts: pure, no I/O), bundled rather
// than copied: the board offers exactly the actions the server would accept, and a change to the
// table changes both at once. The server still checks every call; hiding a button is a courtesy.
export { can, canSeeDepot, type Action, type Subject } from '../../../server/src/domain/permissions.js';
