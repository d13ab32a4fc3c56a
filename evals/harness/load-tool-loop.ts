// The tool loop for tool-use tasks, built over the MCP tool catalog in tools/. Until the catalog exists
// in this tree, there is none, and tool-use tasks are reported as errors (never as passes).
import type { ToolLoop } from './tool-loop.js';

export function loadToolLoop(): Promise<ToolLoop | undefined> {
  return Promise.resolve(undefined);
}
