// The version `gic --version` prints and SARIF reports name: its own module, so commands need not
// import run-cli.ts (which imports every command) to read it.
export const VERSION = '0.1.0';
