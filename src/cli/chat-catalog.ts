// The tool catalog `gic chat` offers the model: the same tools/ catalog as the MCP server and the chat
// page. The local user may use every tool, as with MCP over stdio.
import { allTools } from '../../tools/index.js';
import type { LoopTool } from '../chat/loop-tool.js';

export function chatCatalog(): readonly LoopTool[] {
  return allTools;
}
