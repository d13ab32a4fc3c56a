// Zod schema and input of a webhooks-plugin remote (`/config/server/webhooks~projects/{p}/remotes/{name}`,
// plugin docs rest-api-config.md). The wire uses snake_case both ways (`max_tries`, seen on 3.9.4: a
// camelCase `maxTries` is silently ignored), so inputs are converted here. No requests here.
import { z } from 'zod';

export const RemoteInfoSchema = z.looseObject({
  url: z.string(),
  events: z.array(z.string()).nullish(),
  connection_timeout: z.number().nullish(),
  socket_timeout: z.number().nullish(),
  max_tries: z.number().nullish(),
  retry_interval: z.number().nullish(),
  ssl_verify: z.boolean().nullish(),
});
export type RemoteInfo = z.infer<typeof RemoteInfoSchema>;
export const RemoteMapSchema = z.record(z.string(), RemoteInfoSchema);

export interface RemoteInput {
  readonly url: string;
  readonly events?: readonly string[];
  readonly connectionTimeout?: number;
  readonly socketTimeout?: number;
  readonly maxTries?: number;
  readonly retryInterval?: number;
  readonly sslVerify?: boolean;
}

/** The JSON body Gerrit expects for a RemoteInput (snake_case keys). */
export function remoteInputBody(input: RemoteInput): Record<string, unknown> {
  const body: Record<string, unknown> = { url: input.url };
  if (input.events !== undefined) body['events'] = input.events;
  if (input.connectionTimeout !== undefined) body['connection_timeout'] = input.connectionTimeout;
  if (input.socketTimeout !== undefined) body['socket_timeout'] = input.socketTimeout;
  if (input.maxTries !== undefined) body['max_tries'] = input.maxTries;
  if (input.retryInterval !== undefined) body['retry_interval'] = input.retryInterval;
  if (input.sslVerify !== undefined) body['ssl_verify'] = input.sslVerify;
  return body;
}
