// The commands of `gic`, in the order --help lists them. An explicit list: no registration by import side effects.
import type { Command } from './command.js';
import { analyzeCommand } from './commands/analyze.js';
import { auditExportCommand } from './commands/audit-export.js';
import { auditVerifyCommand } from './commands/audit-verify.js';
import { chatCommand } from './commands/chat.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { doctorCommand } from './commands/doctor.js';
import { draftCommand } from './commands/draft.js';
import { dryRunCommand } from './commands/dry-run.js';
import { explainCommand } from './commands/explain.js';
import { forecastCommand } from './commands/forecast.js';
import { groupsListCommand } from './commands/groups-list.js';
import { groupsShowCommand } from './commands/groups-show.js';
import { mcpCommand } from './commands/mcp.js';
import { proposeCommand } from './commands/propose.js';
import { reviewCommand } from './commands/review.js';
import { serveCommand } from './commands/serve.js';
import { submitCommand } from './commands/submit.js';
import { validateCommand } from './commands/validate.js';

export const ALL_COMMANDS: readonly Command[] = [analyzeCommand, auditExportCommand, auditVerifyCommand, chatCommand, checkCommand, diffCommand, doctorCommand, draftCommand, dryRunCommand, explainCommand, forecastCommand, groupsListCommand, groupsShowCommand, mcpCommand, proposeCommand, reviewCommand, serveCommand, submitCommand, validateCommand];
