// What every copilot use case receives (docs/architecture.md "src/copilot"; docs/style.md §4): the engine
// is imported directly (it is pure), everything that talks to the outside world comes in through this
// typed `CopilotDeps` object, built once by a composition root (the CLI, `gic serve`, `gic mcp`, the
// review bot). Per call, a `CallContext` says who is asking, what to record in the audit log, how to
// cancel and where progress goes. Use cases return values and throw AppErrors with codes; they never
// print, exit or read the environment, so the CLI, the MCP server, the review bot and the chat page
// share them unchanged.
import type { GroupClaimMapping } from '../policy/resources/access-mapping.js';
import type { ChangeInfo, ChangeInput, NotifyHandling } from '../gerrit/change-info.js';
import type { GroupSource } from '../gerrit/group-source.js';
import type { DryRunReport } from '../kube/dry-run-result.js';
import type { MeshSnapshot } from '../kube/mesh-source.js';
import type { Logger } from '../log.js';
import type { ChatModel } from '../model/chat-model.js';
import type { Store } from '../store/store.js';
import type { RangeQuery } from './range-query.js';
import type { ChangeQuery } from './gerrit-activity.js';

/** The mesh as the use cases see it: any MeshSource (files or a cluster) satisfies this. */
export interface MeshView {
  /** `files:<paths>` or `cluster:<context>`: recorded with results and audit entries. */
  readonly origin: string;
  /** The current snapshot (throws when the source never became ready). */
  snapshot(): MeshSnapshot;
}

/** A file handed to a dry-run: path (for `source`) and text. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
}

/**
 * The API server's dry-run (src/kube `dryRunSources` with a KubeGateway), mode `server`. Absent: the
 * use cases dry-run offline against the mesh snapshot.
 */
export type ServerDryRun = (sources: readonly SourceText[], options: { readonly signal?: AbortSignal }) => Promise<DryRunReport>;

/**
 * The one write gic makes anywhere: a Gerrit change in the policy repository. `GerritClient` satisfies
 * this interface; `baseUrl` builds the change URL.
 */
export interface ChangeWriter {
  readonly baseUrl: string;
  createChange(input: ChangeInput, options?: { readonly signal?: AbortSignal }): Promise<ChangeInfo>;
  /** By `project~number` or `project~branch~Change-Id`. */
  getChange(id: string, options?: { readonly signal?: AbortSignal }): Promise<ChangeInfo>;
  putEditFile(id: string, path: string, content: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
  deleteEditFile(id: string, path: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
  publishEdit(id: string, notify?: NotifyHandling, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** Where `submit` opens changes (config `policyRepo`, `--policy-project/-branch/-path`). */
export interface PolicyRepo {
  readonly project: string;
  readonly branch: string;
  /** Directory of the policy files in the repository, e.g. `deploy/istio`. */
  readonly path: string;
}

/** The settings the use cases read (a slice of GicConfig, resolved by the composition root). */
export interface CopilotSettings {
  /** Absent: `submit` refuses with `not-configured`. */
  readonly policyRepo?: PolicyRepo;
  /** Which JWT claim carries Gerrit groups and whether it holds names or UUIDs. */
  readonly groupsClaim: GroupClaimMapping;
}

export interface CopilotDeps {
  /** The mesh; explain, propose and draft need it (`not-configured` without). */
  readonly mesh?: MeshView;
  /** Gerrit groups (live or snapshot). Absent: a group's existence is `unknown` and does not affect `verified`. */
  readonly groups?: GroupSource;
  /** The in-cluster model. Absent: explain uses templates, draft refuses (`model-not-configured`). */
  readonly model?: ChatModel;
  /** Proposals, conversations, the audit log. */
  readonly store: Store;
  /** A cluster's server-side dry-run; absent: offline against the mesh. */
  readonly dryRun?: ServerDryRun;
  /** Gerrit for `submit`; absent: submit refuses with `not-configured`. */
  readonly gerrit?: ChangeWriter;
  /** The clock: expiry resolution, GIC125, stored timestamps. */
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly settings: CopilotSettings;
  /** Ids for proposals (default: random UUIDs); injected for deterministic tests. */
  readonly newId?: () => string;
  /** Gerrit's change queries for the load forecast (GerritClient); absent: forecast refuses (`not-configured`). */
  readonly activity?: ChangeQuery;
  /** Prometheus range queries for the mesh's request rates (PrometheusClient); absent: no rates in the forecast. */
  readonly meshRates?: RangeQuery;
}

/** Stages reported through `onProgress`, in the order a draft goes through them. */
export type CopilotStage = 'context' | 'model' | 'resolve' | 'compile' | 'validate' | 'dry-run' | 'diff' | 'groups' | 'analyze' | 'store' | 'gerrit' | 'audit';

export interface ProgressEvent {
  readonly stage: CopilotStage;
  readonly message: string;
  /** Steps done and total, for progress bars (MCP progress notifications). */
  readonly step: number;
  readonly steps: number;
}

export interface CallContext {
  /** Who is asking: `local:<os user>`, `user:<name>`, `spiffe://...`, `bot:gic`. Recorded in the audit log. */
  readonly actor: string;
  /** What the audit log records as the action (default `copilot:<use case>`), e.g. `gic draft`, `mcp:policy_draft`. */
  readonly action?: string;
  /** Cancels the call; the use case stops at the next stage with AppError `cancelled`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}
