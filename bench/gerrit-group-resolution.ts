// Benchmark: resolve 2,000 Gerrit groups with 20,000 direct memberships (accounts and nested
// subgroups) from a real Gerrit, comparing wall time and request count of
//   naive     - sequential, per group a depth-first walk (members/ + groups/ per visited group, no cache),
//   recursive - sequential, one server-side `members/?recursive` call per group,
//   bounded   - resolveGroups: each group's detail fetched once, at most N requests in flight,
//   bulk      - resolveAllGroups: `GET /groups/?o=MEMBERS&o=INCLUDES` pages.
// Target: bounded concurrency at least 5x faster than naive. Prints one JSON document on stdout.
//
//   npx tsx bench/gerrit-group-resolution.ts [--groups 2000] [--memberships 20000] [--concurrency 8]
//       [--url URL --user U --password P]   (default: starts a throwaway Gerrit with test/peers/gerrit)
//
// Seeding uses batched calls (groups created with their members, one groups.add per group) and runs
// once per Gerrit: a run against a Gerrit that already holds the groups (same --prefix) reuses them.
import { parseArgs } from 'node:util';

import { createConcurrencyLimiter } from '../src/gerrit/concurrency-limiter.js';
import { GerritClient } from '../src/gerrit/gerrit-client.js';
import { groupUuid } from '../src/gerrit/group-info.js';
import { LiveGroupSource } from '../src/gerrit/live-group-source.js';
import { resolveAllGroups, resolveGroups } from '../src/gerrit/resolve-group-directory.js';
import { indexGroupDirectory } from '../src/policy/resources/group-directory.js';
import { startGerrit } from '../test/peers/gerrit/start-gerrit.js';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '2000' },
    memberships: { type: 'string', default: '20000' },
    accounts: { type: 'string', default: '500' },
    chain: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    prefix: { type: 'string', default: 'bench' },
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
  },
});
const GROUPS = Number(values.groups);
const MEMBERSHIPS = Number(values.memberships);
const ACCOUNTS = Number(values.accounts);
const CHAIN = Number(values.chain);
const CONCURRENCY = Number(values.concurrency);
const PREFIX = values.prefix;

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/**
 * Creates are not retried by the client (not idempotent); concurrent NoteDb writes can fail with 503
 * "LOCK_FAILURE" (nothing written), so seeding retries those, and treats 409 on a retry as done.
 */
async function seedCall<T>(call: () => Promise<T>, onConflict: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 409) return onConflict();
      if (status !== 503 || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 100 * attempt));
    }
  }
}

/** Group i includes group i+1 inside chains of CHAIN groups; every 20th chain closes a cycle. */
function subgroupsOf(i: number): number[] {
  const inChain = i % CHAIN;
  const chainStart = i - inChain;
  const out: number[] = [];
  if (inChain + 1 < CHAIN && i + 1 < GROUPS) out.push(i + 1);
  else if ((chainStart / CHAIN) % 20 === 0 && chainStart !== i) out.push(chainStart);
  return out;
}

async function seed(client: GerritClient): Promise<{ uuids: string[]; seedMs: number; inclusions: number; accountMemberships: number }> {
  const began = performance.now();
  const existing = await client.listAllGroups({ regex: `${PREFIX}-g-[0-9]+`, pageSize: 1000 });
  const inclusions = Array.from({ length: GROUPS }, (_, i) => subgroupsOf(i).length).reduce((a, b) => a + b, 0);
  const accountMemberships = MEMBERSHIPS - inclusions;
  const byName = new Map(existing.map((g) => [g.name ?? '', groupUuid(g)]));
  if (existing.length >= GROUPS) {
    log(`reusing ${existing.length} seeded groups`);
    return { uuids: Array.from({ length: GROUPS }, (_, i) => byName.get(`${PREFIX}-g-${i}`) ?? ''), seedMs: 0, inclusions, accountMemberships };
  }
  const limiter = createConcurrencyLimiter(4);
  log(`creating ${ACCOUNTS} accounts`);
  await Promise.all(
    Array.from({ length: ACCOUNTS }, (_, a) =>
      limiter.run(() =>
        seedCall(
          () => client.createAccount(`${PREFIX}-u-${a}`, { name: `Bench User ${a}`, email: `${PREFIX}-u-${a}@example.com` }),
          () => client.getAccount(`${PREFIX}-u-${a}`),
        ),
      ),
    ),
  );
  // Spread the account memberships evenly: group i gets accounts [i*k, i*k + n_i) modulo ACCOUNTS.
  const base = Math.floor(accountMemberships / GROUPS);
  const extra = accountMemberships - base * GROUPS;
  let cursor = 0;
  const membersOf = Array.from({ length: GROUPS }, (_, i) => {
    const n = base + (i < extra ? 1 : 0);
    const list = Array.from({ length: n }, (_, k) => `${PREFIX}-u-${(cursor + k) % ACCOUNTS}`);
    cursor += n;
    return list;
  });
  log(`creating ${GROUPS} groups with ${accountMemberships} account memberships`);
  let done = 0;
  const uuids = await Promise.all(
    Array.from({ length: GROUPS }, (_, i) =>
      limiter.run(async () => {
        const name = `${PREFIX}-g-${i}`;
        const known = byName.get(name);
        const uuid = known ?? groupUuid(await seedCall(() => client.createGroup(name, { members: membersOf[i] ?? [] }), () => client.getGroup(name)));
        if (++done % 250 === 0) log(`  ${done} groups`);
        return uuid;
      }),
    ),
  );
  log(`adding ${inclusions} subgroup inclusions`);
  await Promise.all(
    Array.from({ length: GROUPS }, (_, i) => {
      const children = subgroupsOf(i).map((c) => uuids[c] as string);
      return children.length === 0 ? Promise.resolve() : limiter.run(() => client.addIncludedGroups(uuids[i] as string, children));
    }),
  );
  return { uuids, seedMs: Math.round(performance.now() - began), inclusions, accountMemberships };
}

/** Sequential depth-first walk per group, nothing shared between groups. */
async function naive(client: GerritClient, uuids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const root of uuids) {
    const seen = new Set<string>();
    const members = new Set<number>();
    const walk = async (uuid: string): Promise<void> => {
      if (seen.has(uuid)) return;
      seen.add(uuid);
      for (const m of await client.listGroupMembers(uuid)) members.add(m._account_id ?? -1);
      for (const g of await client.listIncludedGroups(uuid)) await walk(groupUuid(g));
    };
    await walk(root);
    counts.set(root, members.size);
  }
  return counts;
}

async function serverRecursive(client: GerritClient, uuids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const uuid of uuids) counts.set(uuid, (await client.listGroupMembers(uuid, { recursive: true })).length);
  return counts;
}

async function measure<T>(client: GerritClient, run: () => Promise<T>): Promise<{ result: T; ms: number; requests: number }> {
  const before = client.transport.stats.requests;
  const began = performance.now();
  const result = await run();
  return { result, ms: Math.round(performance.now() - began), requests: client.transport.stats.requests - before };
}

async function main(): Promise<void> {
  const peer = values.url === undefined ? await startGerrit() : undefined;
  const info = peer?.info ?? { url: values.url as string, user: values.user ?? 'admin', password: values.password ?? 'secret', version: '?' };
  const client = new GerritClient({ baseUrl: info.url, credentials: { username: info.user, password: info.password }, connections: CONCURRENCY, timeoutMs: 120_000 });
  try {
    const version = await client.getServerVersion();
    const seeded = await seed(client);
    const uuids = seeded.uuids;
    const source = new LiveGroupSource(client, info.url);

    // One untimed pass so that no strategy pays for Gerrit's cold caches alone.
    log('warm-up (bulk listing, untimed)');
    await resolveAllGroups(source);

    log('bounded (resolveGroups)');
    const bounded = await measure(client, async () => {
      const resolved = await resolveGroups(source, uuids, { concurrency: CONCURRENCY });
      const index = indexGroupDirectory(resolved.directory);
      return { counts: new Map(uuids.map((u) => [u, index.membersOf(u).length])), peak: resolved.peakConcurrency };
    });
    log(`  ${bounded.ms} ms, ${bounded.requests} requests`);
    log('bulk (resolveAllGroups)');
    const bulk = await measure(client, async () => {
      const index = indexGroupDirectory(await resolveAllGroups(source));
      return new Map(uuids.map((u) => [u, index.membersOf(u).length]));
    });
    log(`  ${bulk.ms} ms, ${bulk.requests} requests`);
    log('recursive (sequential members/?recursive)');
    const recursive = await measure(client, () => serverRecursive(client, uuids));
    log(`  ${recursive.ms} ms, ${recursive.requests} requests`);
    log('naive (sequential walk)');
    const slow = await measure(client, () => naive(client, uuids));
    log(`  ${slow.ms} ms, ${slow.requests} requests`);

    const same = (a: Map<string, number>): boolean => uuids.every((u) => a.get(u) === slow.result.get(u));
    const agree = same(bounded.result.counts) && same(bulk.result) && same(recursive.result);
    const totalMembers = [...slow.result.values()].reduce((a, b) => a + b, 0);
    const speedup = (ms: number): number => Math.round((slow.ms / Math.max(1, ms)) * 10) / 10;
    const report = {
      benchmark: 'gerrit-group-resolution',
      gerrit: version,
      groups: GROUPS,
      directMemberships: { accounts: seeded.accountMemberships, subgroups: seeded.inclusions, total: seeded.accountMemberships + seeded.inclusions },
      resolvedMemberships: totalMembers,
      seedMs: seeded.seedMs,
      concurrency: CONCURRENCY,
      strategies: {
        naive: { ms: slow.ms, requests: slow.requests },
        recursive: { ms: recursive.ms, requests: recursive.requests, speedup: speedup(recursive.ms) },
        bounded: { ms: bounded.ms, requests: bounded.requests, peakInFlight: bounded.result.peak, speedup: speedup(bounded.ms) },
        bulk: { ms: bulk.ms, requests: bulk.requests, speedup: speedup(bulk.ms) },
      },
      resultsAgree: agree,
      target: { speedup: 5, met: speedup(bounded.ms) >= 5 },
    };
    console.log(JSON.stringify(report, null, 2));
    if (!agree) process.exitCode = 1;
  } finally {
    await client.close();
    await peer?.stop();
  }
}

await main();
