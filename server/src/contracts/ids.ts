import { z } from 'zod';

/** SPEC §3: every depotId, sensorId and cameraId matches this. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'must match ^[A-Za-z0-9_-]{1,64}$');
export type Id = string;
