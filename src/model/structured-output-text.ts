// The default texts the model reads for structured output: the schema instruction of the prompt dialect
// (servers without schema-constrained decoding) and the repair message. Callers that version their
// prompts (prompts/, src/copilot) pass their own through generateObject's `repairText` and the client's
// `schemaText` options; these defaults keep src/model usable on its own.

/** Appended to the system prompt when the schema cannot be sent as a constraint. */
export function defaultSchemaText(name: string, schemaJson: string): string {
  return (
    `Answer with one JSON value "${name}" and nothing else: no prose, no code fence. ` +
    `It must match this JSON Schema:\n${schemaJson}`
  );
}

/** The user message of the repair round. */
export function defaultRepairText(problems: string): string {
  return `Your answer cannot be used: ${problems}\nAnswer again with only the corrected JSON value.`;
}
