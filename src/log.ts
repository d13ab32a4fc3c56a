// Structured logging: one JSON object per line (or, for a person at a terminal, one human line), to
// stderr or any writable sink, never to stdout (stdout carries command output and, in stdio mode, the
// MCP channel). Child loggers add fields such as `command`, `tool`, `changeId`, `requestId`. Fields at
// the secret paths the composition root names (SECRET_SETTINGS, e.g. `gerrit.password`) are redacted
// wherever they appear in a logged value. Inside a recorded span (src/tracing.ts) every line carries
// `traceId` and `spanId`. No global logger: the composition root creates one.

import { activeTraceIds } from './tracing.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

const RESERVED = { time: true, level: true, msg: true } as const;

export const LOG_LEVELS = Object.keys(LEVEL_ORDER) as readonly LogLevel[];

/** `json`: one JSON object per line (machines, files, pipes); `human`: `level: message key=value` (terminals). */
export type LogFormat = 'json' | 'human';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'human'];

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Where log lines go: process.stderr, a file stream, or a test buffer. */
export interface LogSink {
  write(line: string): unknown;
}

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly sink: LogSink;
  /** Lines below this level are dropped; default `info`. */
  readonly level?: LogLevel;
  readonly fields?: LogFields;
  /** Injected clock for deterministic tests; default the wall clock. */
  readonly now?: () => Date;
  /** Line format; default `json`. */
  readonly format?: LogFormat;
  /** Dotted paths (`gerrit.password`) whose values are redacted wherever they occur in a field value. */
  readonly redactPaths?: readonly string[];
}

/** Creates a logger that writes `{"time","level","msg",...fields}` lines to the sink. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const redactPaths = (options.redactPaths ?? []).map((p) => p.split('.'));
  const emit = (level: LogLevel, message: string, fields: LogFields | undefined): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    // time, level and msg are reserved: fields cannot overwrite them.
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message };
    // Inside a recorded span the line carries its trace: logs and traces join on traceId.
    const ids = activeTraceIds();
    if (ids !== undefined) {
      record['traceId'] = ids.traceId;
      record['spanId'] = ids.spanId;
    }
    for (const source of [base, fields]) {
      if (source === undefined) continue;
      for (const [key, value] of Object.entries(source)) if (!(key in RESERVED)) record[key] = redact(key, value, redactPaths);
    }
    options.sink.write(options.format === 'human' ? humanLine(record) : `${safeStringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
    enabled: (level) => LEVEL_ORDER[level] >= threshold,
  };
}

/** A logger that drops everything (library defaults, tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ sink: { write: () => undefined }, level: 'error' });

function safeStringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => {
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (typeof value === 'bigint') return value.toString();
      return value;
    });
  } catch {
    return JSON.stringify({ time: record['time'], level: record['level'], msg: record['msg'], logError: 'unserializable fields' });
  }
}

/** The value of field `key` with every secret path redacted: `key` itself may be a path's head or a whole dotted path. */
function redact(key: string, value: unknown, paths: readonly (readonly string[])[], depth = 0): unknown {
  if (paths.length === 0) return value;
  for (const path of paths) if (path.join('.') === key || (path.length === 1 && path[0] === key)) return REDACTED;
  return redactValue(value, paths, [key], depth);
}

function redactValue(value: unknown, paths: readonly (readonly string[])[], trail: readonly string[], depth: number): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Error || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, paths, trail, depth + 1));
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const next = [...trail, k];
    // A secret path matches the end of the trail: `{config: {gerrit: {password}}}` hides gerrit.password.
    const secret = paths.some((p) => p.length <= next.length && p.every((segment, i) => next[next.length - p.length + i] === segment));
    const out = secret ? REDACTED : redactValue(v, paths, next, depth + 1);
    if (out !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[k] = out;
    }
  }
  return copy ?? value;
}

/** `warn: message  key=value key2="a b"` for a person reading a terminal (no time: the terminal shows when). */
function humanLine(record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key in RESERVED || key === 'command') continue;
    const text = typeof value === 'string' ? (/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)) : safeStringifyValue(value);
    parts.push(`${key}=${text}`);
  }
  const command = typeof record['command'] === 'string' ? `gic ${record['command']}: ` : '';
  return `${command}${String(record['level'])}: ${String(record['msg'])}${parts.length === 0 ? '' : `  ${parts.join(' ')}`}\n`;
}

function safeStringifyValue(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? v.message : typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return '(unserializable)';
  }
}
