// Vitest setup for property tests: under CI=true fast-check runs from a fixed seed, so a landing
// never depends on luck; elsewhere each run explores new cases. FC_SEED=<n> replays a reported run.
import fc from 'fast-check';

export const FIXED_CI_SEED = 20_261_125;

const requested = process.env['FC_SEED'];
if (requested !== undefined && requested !== '') {
  fc.configureGlobal({ seed: Number(requested) });
} else if (process.env['CI'] === 'true') {
  fc.configureGlobal({ seed: FIXED_CI_SEED });
}
