// The catalog's static rules (as github-mcp-server checks its tools): stable names in
// <toolset>_<verb> form, sorted and unique, a toolset each, annotations derived from the effect (only
// policy_submit_for_review writes; nothing is destructive), object schemas for input and output, and
// toolset / read-only filtering where read-only always wins.
import { describe, expect, it } from 'vitest';

import { toolListing } from '../../src/mcp/create-mcp-server.js';
import { annotationsOf, TOOLSETS } from '../../tools/define-tool.js';
import { allTools } from '../../tools/index.js';
import { filterTools, parseToolsets } from '../../tools/toolsets.js';

describe('the tool catalog', () => {
  it('names every tool <toolset>_<verb>, sorted, unique, in its toolset', () => {
    const names = allTools.map((t) => t.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const tool of allTools) {
      expect(tool.name).toMatch(/^[a-z]+_[a-z_]+$/);
      expect(tool.name.startsWith(`${tool.toolset}_`), tool.name).toBe(true);
      expect(TOOLSETS).toContain(tool.toolset);
    }
  });

  it('derives the four hints from the effect; only submit writes and nothing is destructive', () => {
    expect(allTools.filter((t) => t.effect !== 'read').map((t) => t.name)).toEqual(['policy_submit_for_review']);
    expect(annotationsOf({ title: 'w', effect: 'write' })).toEqual({ title: 'w', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false });
    expect(annotationsOf({ title: 'r', effect: 'read' })).toEqual({ title: 'r', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(annotationsOf({ title: 'd', effect: 'destructive' }).destructiveHint).toBe(true);
  });

  it('lists JSON Schemas with an object root for input and output, and descriptions a small model can use', () => {
    for (const tool of allTools) {
      const listing = toolListing(tool);
      expect(listing.inputSchema.type, tool.name).toBe('object');
      expect(listing.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description.length, tool.name).toBeGreaterThan(80);
    }
  });

  it('gates propose and submit by access level; reads are open to any authenticated caller', () => {
    expect(Object.fromEntries(allTools.filter((t) => t.access !== 'read').map((t) => [t.name, t.access]))).toEqual({ policy_draft: 'propose', policy_propose: 'propose', policy_submit_for_review: 'submit' });
  });

  it('filters by toolsets and read-only mode; read-only wins over an explicit toolset', () => {
    expect(filterTools(allTools, { toolsets: ['gerrit'] }).map((t) => t.name)).toEqual(['gerrit_get_account_groups', 'gerrit_get_group', 'gerrit_list_groups']);
    expect(filterTools(allTools, { toolsets: ['mesh,policy'], readOnly: true }).some((t) => t.effect !== 'read')).toBe(false);
    expect(filterTools(allTools, { readOnly: true })).toHaveLength(allTools.length - 1);
    expect(filterTools(allTools, { toolsets: ['all'] })).toHaveLength(allTools.length);
    expect(() => parseToolsets(['gerit'])).toThrow('unknown toolset "gerit"; the toolsets are gerrit, mesh, policy, review (or all)');
  });
});
