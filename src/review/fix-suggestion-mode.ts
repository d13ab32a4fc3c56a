// How the review bot posts mechanical fixes as Gerrit fix suggestions (the "Show fix" / "Apply fix"
// buttons), which depends on the server (../shared/docs/reference/gerrit.md §6.4):
// - `robot-comments`: the comment that carries a fix is a robot comment with `fix_suggestions` (Gerrit
//   up to 3.11, and 3.12 with robot comments enabled; removed in 3.13);
// - `comments`: `fix_suggestions` on a normal comment (3.10+ behind the experiment
//   GerritBackendFeature__allow_fix_suggestions_in_comments; Gerrit 3.9 drops the field silently);
// - `text`: the fix is only written in the comment.
// `auto` reads `/config/server/info` (`change.enable_robot_comments`) once per ten minutes. Whatever the
// mode, a server that refuses the fixes gets the review again without them (review-patch-set.ts).
import type { ReviewGerrit } from './review-gerrit.js';

export type FixSuggestionMode = 'robot-comments' | 'comments' | 'text';
export type FixSuggestionSetting = 'auto' | FixSuggestionMode;

const CACHE_MS = 600_000;
const resolved = new WeakMap<object, { readonly mode: FixSuggestionMode; readonly at: number }>();

/** The mode to post with; a Gerrit failure propagates (the review is retried, nothing is guessed). */
export async function fixSuggestionMode(gerrit: Pick<ReviewGerrit, 'getServerInfo'>, setting: FixSuggestionSetting, now: number, signal?: AbortSignal): Promise<FixSuggestionMode> {
  if (setting !== 'auto') return setting;
  const cached = resolved.get(gerrit);
  if (cached !== undefined && now - cached.at < CACHE_MS) return cached.mode;
  const info = await gerrit.getServerInfo(signal === undefined ? {} : { signal });
  const mode: FixSuggestionMode = info.change?.enable_robot_comments === true ? 'robot-comments' : 'comments';
  resolved.set(gerrit, { mode, at: now });
  return mode;
}
