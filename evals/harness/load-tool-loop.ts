// The tool loop for tool-use tasks, over the MCP tool catalog in tools/.
import { CatalogToolLoop } from './catalog-tool-loop.js';
import type { ToolLoop } from './tool-loop.js';

export function loadToolLoop(): Promise<ToolLoop | undefined> {
  return Promise.resolve(new CatalogToolLoop());
}
