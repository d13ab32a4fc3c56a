// What the chat page may offer a caller, from the MCP server's per-tool authorization: the caller may
// use a level (read, propose, submit) when the authorizer lets it call the catalog's tools of that
// level. No authorizer (loopback, no authentication): everything the catalog has. A level the catalog
// does not serve (read-only mode has no submit tool) is offered to nobody.
import type { LoopTool, LoopToolAccess } from '../chat/loop-tool.js';
import type { ChatCaller } from '../chat/chat-turn.js';

/** The MCP server's rule: undefined when allowed, else why not. */
export type ToolAuthorizer<T> = (caller: ChatCaller, tool: T) => string | undefined | Promise<string | undefined>;

export function chatAccess<T extends Pick<LoopTool, 'access'>>(tools: readonly T[], authorize: ToolAuthorizer<T> | undefined): (caller: ChatCaller, access: LoopToolAccess) => Promise<boolean> {
  return async (caller, access) => {
    const tool = tools.find((t) => t.access === access);
    if (tool === undefined) return false;
    if (authorize === undefined) return true;
    return (await authorize(caller, tool)) === undefined;
  };
}
