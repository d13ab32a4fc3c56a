// The per-task tool subset of the evals tool loop (`input.tools` of a tool-use task): only the named
// tools, in catalog order; an unknown name stops the task with the catalog's names.
import { describe, expect, it } from 'vitest';

import { selectTools } from '../../../evals/harness/catalog-tool-loop.js';
import { allTools } from '../../../tools/index.js';

describe('selectTools', () => {
  it('offers the whole catalog when the task names no tools', () => {
    expect(selectTools(allTools, undefined)).toBe(allTools);
  });

  it('offers only the named tools, in catalog order', () => {
    const picked = selectTools(allTools, ['policy_submit_for_review', 'policy_check_access']).map((t) => t.name);
    expect(picked).toEqual(allTools.map((t) => t.name).filter((n) => n === 'policy_check_access' || n === 'policy_submit_for_review'));
    expect(picked).toHaveLength(2);
  });

  it('refuses a name the catalog does not have', () => {
    expect(() => selectTools(allTools, ['policy_check_acess'])).toThrow(/input\.tools: no tool policy_check_acess in the catalog \(the tools are .*policy_check_access/);
  });
});
