import type { Caller } from './caller.js';

export type GicEnv = { Variables: { caller: Caller; requestId: string } }
