import type { SourceConfig } from '../config/schema.js';

/** A source's token as found in the environment: never printed, never stored. */
export interface SourceToken {
  /** The variable it came from (for messages; the value is never shown). */
  variable: string;
  token: string;
  /** GitLab CI's job token, sent as JOB-TOKEN rather than PRIVATE-TOKEN. */
  jobToken: boolean;
}

/**
 * The token from the environment variable the source names, or null when it is not set.
 * GitLab CI hands every job a CI_JOB_TOKEN: it is used when the source names it, or names the
 * default GITLAB_TOKEN and that is not set. `sync` and `doctor` both ask here.
 */
export function sourceToken(source: SourceConfig, env: Record<string, string | undefined>): SourceToken | null {
  const token = env[source.tokenEnv]?.trim();
  if (token) return { variable: source.tokenEnv, token, jobToken: source.type === 'gitlab' && source.tokenEnv === 'CI_JOB_TOKEN' };
  const jobToken = env.CI_JOB_TOKEN?.trim();
  if (source.type === 'gitlab' && source.tokenEnv === 'GITLAB_TOKEN' && jobToken) return { variable: 'CI_JOB_TOKEN', token: jobToken, jobToken: true };
  return null;
}
