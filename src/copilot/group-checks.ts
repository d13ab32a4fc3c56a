// Does every Gerrit group an intent names exist? With a group source (live Gerrit or a snapshot) each
// name is looked up: `exists` (with its UUID), `missing` (with the closest existing names) or `error`
// (the source failed: never treated as existing). Without a source every group is `unknown`, which
// docs/cli.md says does not affect `verified`.
import { AppError } from '../errors.js';
import type { GroupSource } from '../gerrit/group-source.js';
import type { Intent } from '../policy/compile/intent.js';
import { closestNames } from './closest-names.js';

export type GroupStatus = 'exists' | 'missing' | 'unknown' | 'error';

export interface GroupCheck {
  readonly name: string;
  readonly status: GroupStatus;
  readonly uuid?: string;
  /** For `missing`: the closest existing group names. */
  readonly closest?: readonly string[];
  /** For `error`: what went wrong. */
  readonly message?: string;
}

/** The Gerrit group names an intent uses (subjects and `except`), each once, in order. */
export function intentGroupNames(intent: Intent): string[] {
  const names = [...intent.subjects, ...(intent.except ?? [])].flatMap((s) => ('gerritGroup' in s ? [s.gerritGroup] : []));
  return [...new Set(names)];
}

export async function checkGroups(source: GroupSource | undefined, names: readonly string[], signal?: AbortSignal): Promise<GroupCheck[]> {
  if (names.length === 0) return [];
  if (source === undefined) return names.map((name) => ({ name, status: 'unknown' as const }));
  let all: string[] | undefined;
  const existing = async (): Promise<string[]> => (all ??= (await source.listGroups(signal === undefined ? {} : { signal })).map((g) => g.name));
  const out: GroupCheck[] = [];
  for (const name of names) {
    try {
      const group = await source.getGroup(name, signal === undefined ? {} : { signal });
      if (group !== undefined) out.push({ name, status: 'exists', uuid: group.uuid });
      else {
        let closest: string[] = [];
        try {
          closest = closestNames(name, await existing());
        } catch {
          // The names are a courtesy: the verdict (missing) stands without them.
        }
        out.push({ name, status: 'missing', closest });
      }
    } catch (error) {
      if (AppError.isInstance(error) && error.code === 'cancelled') throw error;
      if (signal?.aborted === true) throw error;
      out.push({ name, status: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}
