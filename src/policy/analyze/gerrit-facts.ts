// What the Gerrit analyzers (GIC5xx) need besides the mesh: the Gerrit group directory and the access
// mapping (groups claim, roles). Present only when a Gerrit source is configured.
import type { AccessMapping } from '../resources/access-mapping.js';
import type { GroupDirectory } from '../resources/group-directory.js';

export interface GerritFacts {
  readonly directory: GroupDirectory;
  readonly mapping: AccessMapping;
}
