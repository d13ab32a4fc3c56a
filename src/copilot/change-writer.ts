// The ChangeWriter `submit` uses, over the Gerrit REST client: the client's change endpoints plus the
// web base URL that change links are built from. The composition roots call this; tests too.
import type { GerritClient } from '../gerrit/gerrit-client.js';
import type { ChangeWriter } from './deps.js';

export function changeWriter(client: GerritClient, baseUrl: string): ChangeWriter {
  return {
    baseUrl,
    createChange: (input, options) => client.createChange(input, options),
    getChange: (id, options) => client.getChange(id, options),
    putEditFile: (id, path, content, options) => client.putEditFile(id, path, content, options),
    publishEdit: (id, notify, options) => client.publishEdit(id, notify, options),
  };
}
