/**
 * Typed errors and the exit-code table (SPEC §2). Only `src/cli.ts` turns an exit code into
 * `process.exitCode`; everything else throws one of these or returns a code.
 */

export const ExitCode = {
  /** Success, and every `--fail-on` threshold held. */
  ok: 0,
  /** A `--fail-on` threshold was breached; the report was still written in full. */
  thresholdBreached: 1,
  /** Bad usage, bad config or bad input file; nothing was written to the store. */
  usage: 2,
  /** Could not finish: auth, permission, network, rate limit, unreadable store. */
  failure: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error we expect and can explain in one line; printed without a stack trace. */
export class DorametricsError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCodeValue, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A bad flag or argument (exit 2). The message names the flag. */
export class UsageError extends DorametricsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** An invalid config file (exit 2). The message names the key path. */
export class ConfigError extends DorametricsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** A bad input file such as an incident import (exit 2). The message names the line and column. */
export class InputFileError extends DorametricsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** The store cannot be opened, read or written (exit 3). */
export class StoreError extends DorametricsError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.failure, hint);
  }
}

/** A forge or network failure (exit 3). The message names the endpoint and the status. */
export class ForgeError extends DorametricsError {
  readonly endpoint: string;
  readonly status: number | undefined;

  constructor(endpoint: string, status: number | undefined, detail: string, hint?: string) {
    super(`${endpoint}${status === undefined ? '' : ` answered ${status}`}: ${detail}`, ExitCode.failure, hint);
    this.endpoint = endpoint;
    this.status = status;
  }
}
