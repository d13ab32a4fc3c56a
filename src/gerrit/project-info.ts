// Zod schemas of Gerrit's project JSON (ProjectInfo, ProjectAccessInfo, LabelDefinitionInfo;
// rest-api-projects.txt): minimal, tolerant of unknown fields and null/absent values. No requests here.
import { z } from 'zod';

import { GroupInfoSchema } from './group-info.js';

export const ProjectInfoSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  parent: z.string().nullish(),
  description: z.string().nullish(),
  state: z.string().nullish(),
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

/** `GET /projects/` answers a map name -> ProjectInfo. */
export const ProjectMapSchema = z.record(z.string(), ProjectInfoSchema);

export const PermissionRuleInfoSchema = z.looseObject({
  action: z.string(),
  force: z.boolean().nullish(),
  min: z.number().nullish(),
  max: z.number().nullish(),
});

export const PermissionInfoSchema = z.looseObject({
  label: z.string().nullish(),
  exclusive: z.boolean().nullish(),
  /** group UUID -> rule */
  rules: z.record(z.string(), PermissionRuleInfoSchema).nullish(),
});

export const AccessSectionInfoSchema = z.looseObject({
  permissions: z.record(z.string(), PermissionInfoSchema).nullish(),
});

export const ProjectAccessInfoSchema = z.looseObject({
  revision: z.string().nullish(),
  inherits_from: ProjectInfoSchema.nullish(),
  /** ref pattern -> section */
  local: z.record(z.string(), AccessSectionInfoSchema).nullish(),
  is_owner: z.boolean().nullish(),
  owner_of: z.array(z.string()).nullish(),
  config_visible: z.boolean().nullish(),
  /** group UUID -> GroupInfo (with name) */
  groups: z.record(z.string(), GroupInfoSchema.partial({ id: true })).nullish(),
});
export type ProjectAccessInfo = z.infer<typeof ProjectAccessInfoSchema>;

export const LabelDefinitionInfoSchema = z.looseObject({
  name: z.string(),
  project_name: z.string().nullish(),
  function: z.string().nullish(),
  values: z.record(z.string(), z.string()).nullish(),
  default_value: z.number().nullish(),
  branches: z.array(z.string()).nullish(),
  can_override: z.boolean().nullish(),
  description: z.string().nullish(),
});
export type LabelDefinitionInfo = z.infer<typeof LabelDefinitionInfoSchema>;

/** Input of `PUT /projects/{name}`. */
export interface ProjectInput {
  readonly parent?: string;
  readonly description?: string;
  readonly create_empty_commit?: boolean;
  readonly branches?: readonly string[];
  readonly owners?: readonly string[];
  readonly submit_type?: string;
  readonly permissions_only?: boolean;
}

export interface PermissionRuleInput {
  readonly action: 'ALLOW' | 'DENY' | 'BLOCK' | 'INTERACTIVE' | 'BATCH';
  readonly force?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** Input of `POST /projects/{name}/access`: ref -> {permissions: name -> {rules: uuid -> rule}}. */
export interface ProjectAccessInput {
  readonly add?: Readonly<Record<string, { readonly permissions: Readonly<Record<string, { readonly exclusive?: boolean; readonly rules: Readonly<Record<string, PermissionRuleInput>> }>> }>>;
  readonly remove?: ProjectAccessInput['add'];
  readonly message?: string;
  readonly parent?: string;
}

/** Input of `PUT /projects/{p}/labels/{name}`. */
export interface LabelDefinitionInput {
  readonly commit_message?: string;
  readonly name?: string;
  readonly description?: string;
  readonly function?: string;
  readonly values?: Readonly<Record<string, string>>;
  readonly default_value?: number;
  readonly branches?: readonly string[];
  readonly can_override?: boolean;
}
