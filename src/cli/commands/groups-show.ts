// `gic groups show NAME|UUID [--mesh PATH]`: one Gerrit group with its owner, its members resolved
// recursively through subgroups (cycle-safe), its direct subgroups, and the policies of the mesh whose
// groups-claim conditions name it (docs/cli.md). An unknown group or a failed login exits non-zero
// with the reason.
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';
import { GERRIT_OPTIONS } from './groups-list.js';

export const groupsShowCommand: Command = {
  name: 'groups show',
  description: 'show a Gerrit group: owner, members (recursive), subgroups and the policies that name it',
  usage: 'gic groups show NAME|UUID [--mesh PATH...] [--gerrit-url URL | --gerrit-snapshot PATH] [-o human|json]',
  positionals: 'NAME|UUID',
  examples: ['gic groups show release-managers --gerrit-snapshot examples/demo-gerrit --mesh examples/demo-mesh -o json'],
  options: {
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory whose policies are searched for the group' },
    ...GERRIT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    if (positionals.length !== 1) throw new AppError('usage', 'give exactly one group name or UUID');
    const wanted = positionals[0] as string;
    // Loaded on use: other commands never pay for the Gerrit client.
    const [{ loadConfig }, { createGroupSource }, { resolveGroups }, { policiesReferencingGroup }, { indexGroupDirectory }] = await Promise.all([
      import('../../config/load-config.js'),
      import('../../gerrit/create-group-source.js'),
      import('../../gerrit/resolve-group-directory.js'),
      import('../../policy/analyze/gerrit/group-references.js'),
      import('../../policy/resources/group-directory.js'),
    ]);
    const { config } = await loadConfig({ flags: values });
    const meshPaths = (Array.isArray(values['mesh']) ? values['mesh'] : []).filter((p): p is string => typeof p === 'string');
    const sources = meshPaths.length > 0 ? await readSources(meshPaths, { warn: (m, f) => logger.warn(m, f) }) : [];
    const opened = await createGroupSource(config.gerrit, logger);
    if (opened === undefined) throw new AppError('usage', 'no Gerrit configured: give --gerrit-url (or GIC_GERRIT_URL) or --gerrit-snapshot');
    let resolved;
    try {
      resolved = await resolveGroups(opened.source, [wanted], { concurrency: config.gerrit.concurrency });
    } finally {
      await opened.close();
    }
    const index = indexGroupDirectory(resolved.directory);
    const group = index.find(wanted);
    if (group === undefined) throw new AppError('not-found', `no Gerrit group "${wanted}" in ${opened.source.origin}`);
    let policies: readonly string[] = [];
    if (sources.length > 0) {
      const { parseMesh } = await import('../../policy/parse/parse-mesh.js');
      const { mesh, findings } = parseMesh(sources);
      for (const finding of findings) logger.warn('mesh input finding', { ...finding });
      policies = policiesReferencingGroup(mesh, group, config.access.claim);
    }
    const result = {
      id: group.uuid,
      name: group.name,
      owner: group.owner ?? null,
      members: index.membersOf(group.uuid).map((m) => ({ username: m.username ?? null, email: m.email ?? null })),
      includes: group.includes.map((uuid) => ({ id: uuid, name: index.byUuid(uuid)?.name ?? uuid })),
      policies,
    };
    if (format === 'json') writeJson(io, result);
    else {
      const lines = [
        `${result.name} (${result.id})`,
        `owner:    ${result.owner ?? '-'}`,
        `members:  ${result.members.length === 0 ? '-' : result.members.map((m) => m.username ?? m.email ?? '?').join(', ')}`,
        `includes: ${result.includes.length === 0 ? '-' : result.includes.map((g) => g.name).join(', ')}`,
        `policies: ${policies.length === 0 ? (sources.length === 0 ? '(no --mesh given)' : '-') : policies.join(', ')}`,
      ];
      io.stdout(`${lines.join('\n')}\n`);
    }
    return { status: 'ok' };
  },
};
