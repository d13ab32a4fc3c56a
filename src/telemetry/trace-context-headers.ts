// Runs work under the trace context an incoming request carries (W3C `traceparent`), for the HTTP
// front-ends (the MCP endpoint, the Gerrit webhook, the chat API): a server span named after the route
// becomes the parent of everything the request does, and a caller's trace (or Istio's, whose sidecar
// forwards the header) continues through gic.
import { context, propagation, type Attributes } from '@opentelemetry/api';

import { SpanKind, withSpan } from '../tracing.js';

/** Header lookup as Node and Hono give it: a plain record or a getter. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | ((name: string) => string | undefined);

export function withIncomingTrace<T>(headers: HeaderSource, name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const get = typeof headers === 'function' ? headers : (key: string): string | undefined => {
    const value = headers[key];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const parent = propagation.extract(context.active(), undefined, { get: (_carrier, key) => get(key.toLowerCase()), keys: () => [] });
  return context.with(parent, () => withSpan(name, attributes, work, SpanKind.SERVER));
}
