// The call pipeline on its own: arguments validated with field names, a value that breaks the output
// schema is never sent (a bug, said as such), a deadline is reported as a timeout, an audit log that
// cannot record the call withholds the answer, and every call is observed for the metrics.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { defineTool, type ToolDefinition } from '../../tools/define-tool.js';
import type { Copilot } from '../copilot/copilot.js';
import { AppError } from '../errors.js';
import { silentLogger } from '../log.js';
import type { AuditEntryInput } from '../store/store.js';
import { callTool, type ToolCallObservation } from './tool-call-pipeline.js';

const echo = defineTool({
  name: 'test_echo',
  title: 'Echo',
  description: 'echoes',
  toolset: 'policy',
  effect: 'read',
  access: 'read',
  input: z.object({ n: z.number().int(), wait: z.boolean().optional(), broken: z.boolean().optional() }),
  output: z.object({ n: z.number() }),
  handler: async (input, ctx) => {
    if (input.wait === true) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    return { value: input.broken === true ? ({ n: 'one' } as unknown as { n: number }) : { n: input.n }, text: `n=${input.n}` };
  },
}) as unknown as ToolDefinition;

function deps(append: (e: AuditEntryInput) => Promise<unknown>, observed: ToolCallObservation[] = []) {
  const copilot = { deps: { store: { appendAudit: append } } } as unknown as Copilot;
  return { copilot, logger: silentLogger, observe: (o: ToolCallObservation) => observed.push(o) };
}
const runtime = (signal = new AbortController().signal) => ({ signal, progress: () => undefined });
const caller = { actor: 'user:t', groups: [] };

describe('the tool call pipeline', () => {
  it('answers with structuredContent, audits and observes the call', async () => {
    const entries: AuditEntryInput[] = [];
    const observed: ToolCallObservation[] = [];
    const r = await callTool(deps(async (e) => entries.push(e), observed), echo, { n: 2 }, caller, runtime());
    expect(r).toEqual({ content: [{ type: 'text', text: 'n=2' }], structuredContent: { n: 2 } });
    expect(entries).toEqual([expect.objectContaining({ actor: 'user:t', action: 'mcp:test_echo', outcome: 'ok', inputsHash: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(observed).toEqual([expect.objectContaining({ tool: 'test_echo', outcome: 'ok' })]);
  });

  it('names the bad field, and refuses to send a value that breaks the output schema', async () => {
    const bad = await callTool(deps(async () => undefined), echo, { n: 'x' }, caller, runtime());
    expect(bad).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('invalid arguments for test_echo: n: ') }] });
    const broken = await callTool(deps(async () => undefined), echo, { n: 1, broken: true }, caller, runtime());
    expect(broken).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('does not match its output schema; this is a bug in gic') }] });
    expect(broken.structuredContent).toBeUndefined();
  });

  it('reports a passed deadline as a timeout, and an authorization refusal as refused', async () => {
    const observed: ToolCallObservation[] = [];
    const late = await callTool(deps(async () => undefined, observed), echo, { n: 1, wait: true }, caller, runtime(AbortSignal.timeout(50)));
    expect(late).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('took longer than the server allows') }] });
    const refused = await callTool({ ...deps(async () => undefined, observed), authorize: () => 'not for you' }, echo, { n: 1 }, caller, runtime());
    expect(refused).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('not for you') }] });
    expect(observed.map((o) => [o.outcome, o.errorCode])).toEqual([['failed', 'timeout'], ['refused', 'forbidden']]);
  });

  it('withholds the answer when the audit log cannot record the call', async () => {
    const r = await callTool(deps(() => Promise.reject(new AppError('store-busy', 'database is locked'))), echo, { n: 3 }, caller, runtime());
    expect(r).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('could not be recorded in the audit log, so its answer is withheld') }] });
    expect(r.structuredContent).toBeUndefined();
  });
});
