import { runCentre } from './run.js';

/** The centre on its own (production): no simulator. The demo's `npm start` runs demo/main.ts instead. */
void runCentre({ demoUsers: false });
