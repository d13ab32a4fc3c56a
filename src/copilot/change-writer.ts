// The ChangeWriter `submit` uses, over the Gerrit REST client: the client's change endpoints plus the
// web base URL that change links are built from. The composition roots call this, the review bot's
// grant sweeper too (over its own client); tests too.
import type { GerritClient } from '../gerrit/gerrit-client.js';
import type { ChangeWriter } from './deps.js';

/** The client's endpoints a ChangeWriter needs (a GerritClient, or the review bot's ReviewGerrit). */
export type ChangeEndpoints = Pick<GerritClient, 'createChange' | 'getChange' | 'putEditFile' | 'deleteEditFile' | 'publishEdit'>;

export function changeWriter(client: ChangeEndpoints, baseUrl: string): ChangeWriter {
  return {
    baseUrl,
    createChange: (input, options) => client.createChange(input, options),
    getChange: (id, options) => client.getChange(id, options),
    putEditFile: (id, path, content, options) => client.putEditFile(id, path, content, options),
    deleteEditFile: (id, path, options) => client.deleteEditFile(id, path, options),
    publishEdit: (id, notify, options) => client.publishEdit(id, notify, options),
  };
}
