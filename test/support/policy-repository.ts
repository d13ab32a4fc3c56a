// A policy repository on the Gerrit peer, as the review-bot tests set it up: a project whose master
// holds the demo mesh under policies/ (merged through review), the Policy-Check label gic votes on, and
// changes made by writing files in a change edit and publishing it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { GerritClient } from '../../src/gerrit/gerrit-client.js';
import type { GerritAdminClient } from '../peers/gerrit/gerrit-fixtures.js';
import { DEMO_MESH } from './copilot-fixture.js';

/** The demo mesh's files at `policies/<file>`. */
export function demoMeshFiles(): Record<string, string> {
  return Object.fromEntries(readdirSync(DEMO_MESH).filter((f) => f.endsWith('.yaml')).map((f) => [`policies/${f}`, readFileSync(join(DEMO_MESH, f), 'utf8')]));
}

/** Opens a change on master writing `files` (and deleting `remove`), published as its patch set 2; returns its number. */
export async function commitFiles(client: GerritClient, project: string, files: Record<string, string>, subject: string, remove: readonly string[] = []): Promise<number> {
  const change = await client.createChange({ project, branch: 'master', subject });
  const id = `${project}~${change._number}`;
  for (const [path, text] of Object.entries(files)) await client.putEditFile(id, path, text);
  for (const path of remove) await client.deleteEditFile(id, path);
  await client.publishEdit(id);
  return change._number;
}

/** Approves and submits the change. */
export async function mergeChange(client: GerritClient, admin: GerritAdminClient, project: string, change: number): Promise<void> {
  const id = `${project}~${change}`;
  await client.setReview(id, 'current', { labels: { 'Code-Review': 2 } });
  await admin.call('POST', `changes/${encodeURIComponent(id)}/submit`, { body: {} });
}

/** The Policy-Check label (-1..+1, NoBlock), which the Administrators (gic's test account) may vote. */
export async function addPolicyCheckLabel(client: GerritClient, project: string): Promise<void> {
  const administrators = await client.getGroup('Administrators');
  await client.putLabel(project, 'Policy-Check', { values: { '-1': 'Policy violation', ' 0': 'No score', '+1': 'Policy OK' }, function: 'NoBlock', commit_message: 'add Policy-Check' });
  await client.setProjectAccess(project, { add: { 'refs/heads/*': { permissions: { 'label-Policy-Check': { rules: { [administrators.id]: { action: 'ALLOW', min: -1, max: 1 } } } } } }, message: 'gic may vote Policy-Check' });
}

/** A new project whose master holds `files` (default: the demo mesh), merged; with the Policy-Check label unless `label: false`. */
export async function createPolicyRepository(client: GerritClient, admin: GerritAdminClient, project: string, options: { readonly files?: Record<string, string>; readonly subject?: string; readonly label?: boolean } = {}): Promise<void> {
  await client.createProject(project, { create_empty_commit: true });
  await mergeChange(client, admin, project, await commitFiles(client, project, options.files ?? demoMeshFiles(), options.subject ?? 'Add the demo mesh'));
  if (options.label !== false) await addPolicyCheckLabel(client, project);
}
