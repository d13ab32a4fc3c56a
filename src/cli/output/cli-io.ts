// The CLI's channels: stdout for command output (JSON or human text), stderr for logs, progress and
// error messages. main.ts binds them to the process; tests bind them to buffers.

export interface CliIo {
  /** Writes command output. */
  stdout(text: string): void;
  /** Writes diagnostics meant for a person (errors, hints). Logs go through the Logger instead. */
  stderr(text: string): void;
  /** stdout is a terminal: the human format is the default. */
  readonly stdoutIsTTY: boolean;
}

/** Binds CliIo to the running process. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
  };
}
