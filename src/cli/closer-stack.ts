// What a composition root opened and must release (connections, watchers, timers, the tracer): closed
// in reverse order of opening, each once; a closer that fails is logged and the rest still run.
import type { Logger } from '../log.js';

export interface CloserStack {
  push(closer: () => Promise<void>): void;
  close(): Promise<void>;
}

export function closerStack(logger: Logger): CloserStack {
  const closers: (() => Promise<void>)[] = [];
  return {
    push: (closer) => void closers.push(closer),
    close: async () => {
      for (let closer = closers.pop(); closer !== undefined; closer = closers.pop()) {
        try {
          await closer();
        } catch (error) {
          logger.warn('could not close a connection', { error });
        }
      }
    },
  };
}
