// The model's extraction -> the engine's Intent, or clarifying questions. Every name is checked: the
// workload and namespace against the mesh, each group against Gerrit (when a source is configured),
// each service account against the mesh; a name that does not exist, or that fits several objects, is
// a question with the closest existing names. Every caller and the target must also be something the
// person wrote (name-mentions.ts): a model that adds a caller or switches the workload, e.g. because
// an injected text told it to, gets a question back, not a proposal; so does a port number the person
// did not write, and a grant to anyone that appears only in text the person quoted. Deterministic: same extraction,
// same text, same clock -> same answer.
import type { CompiledMesh } from '../policy/evaluate/compile-mesh.js';
import { type Intent, IntentSchema, type Subject } from '../policy/compile/intent.js';
import { closestNames } from './closest-names.js';
import type { DraftQuestion } from './draft-question.js';
import type { DraftCaller, DraftExtraction } from './draft-extraction.js';
import { mentionsExactly, normaliseText } from './name-mentions.js';
import { withoutQuotedText } from './quoted-text.js';
import { findExpiryPhrase, resolveExpiry } from './resolve-expiry.js';
import { sanitizeUntrusted } from './untrusted-text.js';

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);
const ANYONE_WORDS = /\b(anyone|anybody|everyone|everybody|all callers|any caller|public(?:ly)?|unauthenticated|the world|all clients)\b/i;
const AUTHENTICATED_WORDS = /\b(logged[- ]in|signed[- ]in|authenticated|any (?:logged[- ]in )?users?|all users|with a (?:valid )?token|any employee|everyone with a login)\b/i;
const MAX_MODEL_QUESTIONS = 3;

/** `word` as a whole word of `text`, ignoring case. */
function wordIn(text: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z])${word}([^A-Za-z]|$)`, 'i').test(text);
}

export interface ResolveInput {
  readonly extraction: DraftExtraction;
  /** Everything the person wrote in this conversation (their turns only). */
  readonly personText: string;
  readonly compiled: CompiledMesh;
  /** Existing Gerrit group names; undefined when no Gerrit source is configured. */
  readonly groupNames: readonly string[] | undefined;
  readonly now: Date;
  /** Names offered when the person named no workload (the context's candidates). */
  readonly candidateWorkloads: readonly string[];
  readonly candidateGroups: readonly string[];
}

export interface ResolveOutput {
  /** The intent, when every part resolved and no question is left. */
  readonly intent?: Intent;
  readonly questions: readonly DraftQuestion[];
}

function q(field: string, question: string, options: readonly string[] = []): DraftQuestion {
  return { field, question, options: [...options] };
}

function splitRef(value: string): [string | undefined, string] {
  const parts = value.trim().split('/');
  return parts.length === 2 ? [parts[0], parts[1] as string] : [undefined, value.trim()];
}

type TargetRepair = { kind: 'one'; target: { namespace: string; workload: string } } | { kind: 'several'; options: string[] };

/**
 * Small models often write the caller's namespace as the target's ("ci/artifact-store" when the person
 * wrote "let ci/build-runner GET artifact-store"). When that pair does not exist, the namespace exists,
 * the person did not write the pair themselves, and the person's text names a workload called `name`:
 * one such workload is the target, several are a question listing them. Never a workload the person
 * did not name, never a guess between namespaces, and only when the methods and paths are the
 * person's own words (operationsWritten).
 */
function repairTargetNamespace(compiled: CompiledMesh, person: string, ns: string, name: string): TargetRepair | undefined {
  if (!compiled.mesh.namespaces.has(ns) || mentionsExactly(person, `${ns}/${name}`)) return undefined;
  const named = [...compiled.workloads.values()].filter((w) => w.name === name && !w.isWaypoint && (mentionsExactly(person, w.name) || mentionsExactly(person, `${w.namespace}/${w.name}`)));
  if (named.length === 0) return undefined;
  if (named.length === 1) {
    const w = named[0] as NonNullable<(typeof named)[number]>;
    return { kind: 'one', target: { namespace: w.namespace, workload: w.name } };
  }
  return { kind: 'several', options: named.map((w) => `${w.namespace}/${w.name}`).sort().slice(0, 8) };
}

/**
 * Every method and path of the extraction is in the person's words. A model that got the target's
 * namespace wrong is repaired only then: otherwise it may also have filled methods or paths from the
 * workloads it was shown, and a repaired target would let that guess become a verified grant.
 */
function operationsWritten(e: DraftExtraction, personText: string): boolean {
  const lower = personText.toLowerCase();
  const methodsOk = (e.methods ?? []).every((m) => m.trim() === '' || new RegExp(`\\b${m.trim().toLowerCase().replace(/[^a-z]/g, '')}\\b`).test(lower));
  const pathsOk = (e.paths ?? []).every((p) => p.trim() === '' || personText.includes(p.trim()));
  return methodsOk && pathsOk;
}

export function resolveDraft(input: ResolveInput): ResolveOutput {
  const { extraction: e, compiled } = input;
  const questions: DraftQuestion[] = [];
  const person = normaliseText(input.personText);
  const mesh = compiled.mesh;

  // Target: one workload of the mesh, named by the person.
  let target: { namespace: string; workload: string } | undefined;
  const [wNs, wName] = e.workload !== undefined ? splitRef(e.workload) : [undefined, ''];
  const ns = e.namespace?.trim() || wNs;
  if (ns !== undefined && ns !== '' && !mesh.namespaces.has(ns)) {
    questions.push(q('target.namespace', `There is no namespace "${ns}". Which namespace did you mean?`, closestNames(ns, mesh.namespaces.keys())));
  } else if (wName === '') {
    questions.push(q('target.workload', 'Which workload should receive these requests?', input.candidateWorkloads));
  } else {
    const matches = [...compiled.workloads.values()].filter((w) => w.name === wName && (ns === undefined || ns === '' || w.namespace === ns) && !w.isWaypoint);
    const repaired = matches.length === 0 && ns !== undefined && ns !== '' && operationsWritten(e, input.personText) ? repairTargetNamespace(compiled, person, ns, wName) : undefined;
    if (repaired?.kind === 'one') target = repaired.target;
    else if (repaired?.kind === 'several') {
      questions.push(q('target.workload', `There is no workload "${ns}/${wName}", and you named a workload "${wName}" that is in ${repaired.options.length} namespaces. Which one?`, repaired.options));
    } else if (matches.length === 0) {
      const pool = [...compiled.workloads.keys()].filter((k) => ns === undefined || ns === '' || k.startsWith(`${ns}/`));
      const near = closestNames(ns !== undefined && ns !== '' ? `${ns}/${wName}` : wName, pool.length > 0 ? pool : compiled.workloads.keys());
      const nearByName = near.length > 0 ? near : closestNames(wName, [...compiled.workloads.values()].map((w) => `${w.namespace}/${w.name}`));
      questions.push(q('target.workload', `There is no workload "${ns !== undefined && ns !== '' ? `${ns}/` : ''}${wName}". Which one did you mean?`, nearByName));
    } else if (matches.length > 1) {
      questions.push(q('target.namespace', `There is a workload "${wName}" in ${matches.length} namespaces. Which one?`, matches.map((w) => `${w.namespace}/${w.name}`).slice(0, 8)));
    } else {
      const w = matches[0] as NonNullable<(typeof matches)[number]>;
      if (!mentionsExactly(person, w.name) && !mentionsExactly(person, `${w.namespace}/${w.name}`)) {
        questions.push(q('target.workload', `You did not name a workload. Do you mean ${w.namespace}/${w.name}?`, [`${w.namespace}/${w.name}`]));
      } else target = { namespace: w.namespace, workload: w.name };
    }
  }

  // Callers. A grant to anyone (or any logged-in user) must be asked for in the person's own voice, not
  // only in text they quoted.
  const ownVoice = withoutQuotedText(input.personText);
  const resolveCaller = (c: DraftCaller, field: string): Subject | undefined => {
    const name = c.name?.trim() ?? '';
    switch (c.kind) {
      case 'anyone':
        if (!ANYONE_WORDS.test(ownVoice)) {
          const quoted = ANYONE_WORDS.test(input.personText);
          questions.push(q(field, quoted ? '"Anyone" is only in text you quoted. Should every caller, without any identity check, get this access?' : 'You did not say "anyone". Should every caller, without any identity check, get this access?', ['anyone']));
          return undefined;
        }
        return { anyone: true };
      case 'anyAuthenticatedUser':
        if (!AUTHENTICATED_WORDS.test(ownVoice)) {
          questions.push(q(field, 'Should every user with a valid login token get this access?', ['any authenticated user']));
          return undefined;
        }
        return { authenticatedUser: true };
      case 'group': {
        if (name === '') {
          questions.push(q(field, 'Which Gerrit group?', input.candidateGroups));
          return undefined;
        }
        let canonical = name;
        if (input.groupNames !== undefined) {
          const exact = input.groupNames.find((g) => g === name) ?? input.groupNames.find((g) => g.toLowerCase() === name.toLowerCase());
          if (exact === undefined) {
            questions.push(q(field, `There is no Gerrit group "${name}". Which group did you mean?`, closestNames(name, input.groupNames)));
            return undefined;
          }
          canonical = exact;
        }
        if (!mentionsExactly(person, canonical)) {
          questions.push(q(field, `You did not name the group "${canonical}". Should it get this access?`, [canonical]));
          return undefined;
        }
        return { gerritGroup: canonical };
      }
      case 'serviceAccount': {
        const [saNs, saName] = splitRef(name);
        const known = new Set([...mesh.serviceAccounts.map((s) => `${s.namespace}/${s.name}`), ...mesh.workloads.map((w) => `${w.namespace}/${w.serviceAccount}`)]);
        // A workload named as the caller stands for its service account.
        const byWorkload = saNs === undefined ? undefined : compiled.workloadsByNamespace.get(saNs)?.get(saName);
        const ref = byWorkload !== undefined ? `${byWorkload.namespace}/${byWorkload.serviceAccount}` : `${saNs ?? ''}/${saName}`;
        if (saNs === undefined || !known.has(ref)) {
          questions.push(q(field, `There is no service account or workload "${name}". Which caller did you mean?`, closestNames(name, [...known, ...compiled.workloads.keys()])));
          return undefined;
        }
        if (!mentionsExactly(person, name) && !mentionsExactly(person, saName)) {
          questions.push(q(field, `You did not name "${name}". Should it get this access?`, [ref]));
          return undefined;
        }
        return { serviceAccount: ref };
      }
      case 'namespace': {
        if (!mesh.namespaces.has(name)) {
          questions.push(q(field, `There is no namespace "${name}". Which namespace did you mean?`, closestNames(name, mesh.namespaces.keys())));
          return undefined;
        }
        if (!mentionsExactly(person, name)) {
          questions.push(q(field, `You did not name the namespace "${name}". Should every workload in it get this access?`, [name]));
          return undefined;
        }
        return { namespace: name };
      }
    }
  };
  const subjects = e.who.map((c, i) => resolveCaller(c, `subjects[${i}]`));
  const except = (e.exceptWho ?? []).map((c, i) => resolveCaller(c, `except[${i}]`));
  if (e.who.length === 0) questions.push(q('subjects', 'Who should get this access: a Gerrit group, a service account or a namespace?', input.candidateGroups));

  // Operations.
  const methods = (e.methods ?? []).map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
  const badMethods = methods.filter((m) => !HTTP_METHODS.has(m));
  if (badMethods.length > 0) questions.push(q('operations.methods', `${badMethods.join(', ')} ${badMethods.length === 1 ? 'is' : 'are'} not HTTP methods. Which methods?`, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']));
  const paths = (e.paths ?? []).map((p) => p.trim()).filter((p) => p !== '');
  const badPaths = paths.filter((p) => !p.startsWith('/') && p !== '*' && !p.startsWith('*'));
  if (badPaths.length > 0) questions.push(q('operations.paths', `Paths start with "/": which paths did you mean instead of ${badPaths.join(', ')}?`, badPaths.map((p) => `/${p}`)));
  // A method or path found only in text the person quoted (a pasted comment telling the model what to
  // grant) is not their request: asked about, never granted.
  const onlyQuoted = [
    ...methods.filter((m) => HTTP_METHODS.has(m) && wordIn(input.personText, m) && !wordIn(ownVoice, m)),
    ...paths.filter((p) => input.personText.includes(p) && !ownVoice.includes(p)),
  ];
  if (onlyQuoted.length > 0) questions.push(q('operations', `${onlyQuoted.join(', ')} ${onlyQuoted.length === 1 ? 'is' : 'are'} only in text you quoted. Which methods and paths do you want?`, []));

  // Ports: a number the person did not write is the model's guess (it would narrow or widen the grant
  // silently), so it is asked about, with the numbers the person did write.
  const ports = e.ports ?? [];
  const unwritten = ports.filter((p) => !new RegExp(`(^|[^0-9])${p}([^0-9]|$)`).test(input.personText));
  if (unwritten.length > 0) {
    const written = [...new Set([...input.personText.matchAll(/(?:^|[^0-9.:/])([1-9][0-9]{1,4})(?![0-9])/g)].map((m) => m[1] as string))].filter((n) => Number(n) <= 65535);
    questions.push(q('operations.ports', `You did not name port ${unwritten.join(', ')}. Which port?`, written));
  }

  // Time limit.
  let expires: string | undefined;
  const phrase = e.duration?.trim() || findExpiryPhrase(input.personText);
  if (phrase !== undefined && phrase !== '') {
    const r = resolveExpiry(phrase, input.now);
    if (r.ok) expires = r.expires;
    else questions.push(q('expires', `Until when exactly should this access last? "${phrase}": ${r.reason}.`, ['for 2 hours', 'until Friday', 'until 2027-01-31']));
  }

  // What the model itself found unclear (its own words; shown to the person, never acted on).
  for (const text of (e.questions ?? []).slice(0, MAX_MODEL_QUESTIONS)) {
    const clean = sanitizeUntrusted(text, 300).text.trim();
    if (clean !== '' && questions.length === 0) questions.push(q('request', clean));
  }

  if (questions.length > 0 || target === undefined || subjects.some((s) => s === undefined) || except.some((s) => s === undefined)) return { questions };
  const operation = { ...(methods.length > 0 ? { methods } : {}), ...(paths.length > 0 ? { paths } : {}), ...(ports.length > 0 ? { ports } : {}) };
  const candidate = {
    action: e.action,
    subjects: subjects as Subject[],
    ...(except.length > 0 ? { except: except as Subject[] } : {}),
    target,
    ...(Object.keys(operation).length > 0 ? { operations: [operation] } : {}),
    ...(expires !== undefined ? { expires } : {}),
  };
  const parsed = IntentSchema.safeParse(candidate);
  if (!parsed.success) return { questions: [q('intent', `The request could not be turned into a valid intent (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}). Could you rephrase it?`)] };
  return { intent: parsed.data, questions: [] };
}
