import { describe, expect, it } from 'vitest';

import { parseTextToolCalls } from './parse-text-tool-calls.js';

const tools = new Set(['mesh_summary', 'policy_check_access']);

describe('parseTextToolCalls', () => {
  it('reads Hermes/Qwen tool_call tags, several of them, with text around', () => {
    expect(parseTextToolCalls('Let me look.\n<tool_call>\n{"name": "mesh_summary", "arguments": {"namespace": "ci"}}\n</tool_call>\n<tool_call>{"name": "policy_check_access", "arguments": "{\\"x\\":1}"}</tool_call>', tools)).toEqual({
      toolCalls: [
        { id: 'text_call_1', name: 'mesh_summary', arguments: '{"namespace":"ci"}' },
        { id: 'text_call_2', name: 'policy_check_access', arguments: '{"x":1}' },
      ],
      rest: 'Let me look.',
    });
  });

  it('reads a bare, fenced, nested or brace-doubled JSON call, and `parameters`', () => {
    expect(parseTextToolCalls('{"name": "mesh_summary", "parameters": {"namespace": "ci"}}', tools)?.toolCalls).toEqual([{ id: 'text_call_1', name: 'mesh_summary', arguments: '{"namespace":"ci"}' }]);
    expect(parseTextToolCalls('```json\n{"function": {"name": "mesh_summary", "arguments": {}}}\n```', tools)?.toolCalls).toEqual([{ id: 'text_call_1', name: 'mesh_summary', arguments: '{}' }]);
    expect(parseTextToolCalls('{{"name": "mesh_summary", "arguments": {{"namespace": "ci"}}}}', tools)?.toolCalls).toEqual([{ id: 'text_call_1', name: 'mesh_summary', arguments: '{"namespace":"ci"}' }]);
    expect(parseTextToolCalls('[{"name": "mesh_summary", "arguments": {}}, {"name": "policy_check_access", "arguments": {}}]', tools)?.toolCalls.map((c) => c.name)).toEqual(['mesh_summary', 'policy_check_access']);
  });

  it('leaves text alone when it is not a call to an offered tool', () => {
    expect(parseTextToolCalls('The mesh has 3 namespaces.', tools)).toBeUndefined();
    expect(parseTextToolCalls('{"name": "submit_everything", "arguments": {}}', tools)).toBeUndefined();
    expect(parseTextToolCalls('{"verdict": "allow"}', tools)).toBeUndefined();
    expect(parseTextToolCalls('<tool_call>{"name": "mesh_summary", "arguments": </tool_call>', tools)).toBeUndefined();
    expect(parseTextToolCalls('[{"name": "mesh_summary", "arguments": {}}, {"name": "rm_rf", "arguments": {}}]', tools)).toBeUndefined();
  });
});
