// The logger is shared with the edge collector and the demo (lib/); the centre takes it from here.
export * from '../../../lib/logger.js';
