// The only way src/model opens a connection: an undici Agent whose connector asks the egress guard about
// the host of EVERY new connection and then dials exactly the addresses the guard approved (in resolver
// order, the next one when a dial fails), never the name again. So DNS rebinding (a name that resolved
// inside when checked and outside later) is caught at the next connection, and a literal address in any
// spelling is checked as the address it is. TLS still verifies the certificate for the original name.
import { Agent, buildConnector, type Dispatcher } from 'undici';

import type { EgressGuard } from './egress-guard.js';
import type { EgressVerdict } from './egress-policy.js';

/** One approved dial, for logs and tests. */
export interface DialEvent {
  readonly host: string;
  readonly port: string;
  readonly address: string;
  readonly verdict: EgressVerdict;
}

export interface GuardedDispatcherOptions {
  readonly guard: EgressGuard;
  /** TCP (and TLS) connect timeout per address, default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Time to the response headers, default 120 s (local models can take long before the first token). */
  readonly headersTimeoutMs?: number;
  /** Longest silence between body chunks (a stalled stream), default 120 s. */
  readonly bodyTimeoutMs?: number;
  /** Keep-alive connections per origin, default 4. */
  readonly connections?: number;
  /** Called before each dial of an approved address. */
  readonly onDial?: (event: DialEvent) => void;
}

/** An undici dispatcher that checks every new connection with the guard (see the file header). */
export function createGuardedDispatcher(options: GuardedDispatcherOptions): Dispatcher {
  const base = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000 });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    options.guard.assertAllowed(connectOptions.hostname).then(
      (verdict) => {
        const addresses = verdict.addresses.map((a) => a.mappedIpv4 ?? a.address);
        const dial = (index: number, lastError: Error | undefined): void => {
          const address = addresses[index];
          if (address === undefined) {
            callback(lastError ?? new Error(`no address to dial for ${verdict.host}`), null);
            return;
          }
          options.onDial?.({ host: verdict.host, port: connectOptions.port, address, verdict });
          base({ ...connectOptions, hostname: address }, (...result) => {
            if (result[0] === null) callback(null, result[1]);
            else dial(index + 1, result[0]);
          });
        };
        dial(0, undefined);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
  return new Agent({
    connect,
    connections: options.connections ?? 4,
    headersTimeout: options.headersTimeoutMs ?? 120_000,
    bodyTimeout: options.bodyTimeoutMs ?? 120_000,
    keepAliveTimeout: 30_000,
  });
}
