// The CLI's channels: stdout for command output (JSON or human text), stderr for logs, progress and
// error messages. main.ts binds them to the process; tests bind them to buffers.

export interface CliIo {
  /** Writes command output. */
  stdout(text: string): void;
  /** Writes diagnostics meant for a person (errors, hints). Logs go through the Logger instead. */
  stderr(text: string): void;
  /** stdout is a terminal: the human format is the default. */
  readonly stdoutIsTTY: boolean;
  /** stderr is a terminal: logs are human lines by default (JSON lines otherwise). */
  readonly stderrIsTTY?: boolean;
  /** Resolves once stdout has taken what was written (backpressure for streamed output); absent: at once. */
  drain?(): Promise<void>;
}

/** Binds CliIo to the running process. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
  };
}
