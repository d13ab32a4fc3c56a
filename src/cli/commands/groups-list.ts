// `gic groups list [--query Q]`: the Gerrit groups with their member counts (members resolved
// recursively through subgroups), from the live Gerrit or the snapshot the settings name
// (docs/cli.md "Commands that talk to live systems"). Output: {"groups": [{"id", "name", "members"}]}.
import { loadConfig } from '../../config/load-config.js';
import { AppError } from '../../errors.js';
import { createGroupSource } from '../../gerrit/create-group-source.js';
import { resolveAllGroups } from '../../gerrit/resolve-group-directory.js';
import { indexGroupDirectory } from '../../policy/resources/group-directory.js';
import type { Command, OptionSpecs } from '../command.js';
import { writeJson } from '../output/write-json.js';
import { CONFIG_OPTION, settingOptions } from '../setting-options.js';

/** Flags shared by the groups commands: the config file and the settings of the table other than the model's. */
export const GERRIT_OPTIONS: OptionSpecs = {
  ...CONFIG_OPTION,
  ...settingOptions((spec) => !spec.path.startsWith('model.')),
};

export const groupsListCommand: Command = {
  name: 'groups list',
  description: 'list Gerrit groups with their member counts (recursive through subgroups)',
  usage: 'gic groups list [--query Q] [--gerrit-url URL | --gerrit-snapshot PATH] [-o human|json]',
  examples: ['gic groups list --gerrit-snapshot examples/demo-gerrit -o json', 'gic groups list --query release --gerrit-url https://gerrit.example.com/ --gerrit-user bot --gerrit-password-file ~/.gerrit-token'],
  options: {
    query: { type: 'string', valueName: 'Q', description: 'only groups whose name contains Q (case-insensitive)' },
    ...GERRIT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const { config } = await loadConfig({ flags: values });
    const opened = await createGroupSource(config.gerrit, logger);
    if (opened === undefined) throw new AppError('usage', 'no Gerrit configured: give --gerrit-url (or GIC_GERRIT_URL) or --gerrit-snapshot');
    try {
      const directory = await resolveAllGroups(opened.source);
      const index = indexGroupDirectory(directory);
      const query = typeof values['query'] === 'string' ? values['query'].toLowerCase() : undefined;
      const groups = directory.groups
        .filter((g) => query === undefined || g.name.toLowerCase().includes(query))
        .map((g) => ({ id: g.uuid, name: g.name, members: index.membersOf(g.uuid).length }));
      if (format === 'json') writeJson(io, { groups });
      else {
        const width = Math.max(4, ...groups.map((g) => g.name.length));
        io.stdout(groups.map((g) => `${g.name.padEnd(width)}  ${String(g.members).padStart(4)} members  ${g.id}`).join('\n') + (groups.length > 0 ? '\n' : 'no groups\n'));
      }
      return { status: 'ok' };
    } finally {
      await opened.close();
    }
  },
};
