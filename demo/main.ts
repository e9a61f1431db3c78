import { runCentre } from '../server/src/run.js';
import { startDemoSimulator } from './simulate.js';

/**
 * The demo's composition root (`npm start`): the centre and, beside it, simulated depots. It sits above
 * both server/ and collectors/, so neither imports the other. The first start creates the demo's users.
 */
void runCentre({ companion: startDemoSimulator, demoUsers: true, command: 'npm start' });
