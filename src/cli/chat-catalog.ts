// The tool catalog `gic chat` offers the model (the same tools/ catalog as the MCP server and the chat
// page), and who may use it: the local user may use every tool, as with MCP over stdio.
import type { LoopTool } from '../chat/loop-tool.js';

export function chatCatalog(): readonly LoopTool[] {
  return [];
}
