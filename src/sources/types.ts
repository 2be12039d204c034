import type { SourceConfig } from '../config/schema.js';
import type { RepoId } from '../domain/types.js';
import type { Store } from '../store/index.js';

/**
 * The contract between `dorametrics sync` and a forge (STYLE: a contract type per plugin
 * kind). A harvester writes facts into the store page by page, each page in one transaction
 * with its cursor (SPEC §7), and reports what it cost.
 */

export interface HarvestOptions {
  /** `--full`: ignore every stored cursor and re-harvest. */
  full: boolean;
  /** `--since`: how far back a first harvest reaches (epoch ms), or null for everything. */
  since: number | null;
  now: Date;
  /** Progress for a terminal (SPEC §2: stderr, TTY only). */
  progress: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  source: RepoId;
  resource: string;
  pages: number;
  items: number;
  rateLimitRemaining: number | null;
}

export interface HarvestReport {
  source: RepoId;
  /** Requests sent, retries included. */
  requests: number;
  /** Items written per resource. */
  items: Record<string, number>;
  /** Data notes (e.g. a deployed sha that could not be found). */
  warnings: string[];
}

export interface Harvester {
  source: RepoId;
  harvest(store: Store, options: HarvestOptions): Promise<HarvestReport>;
}

/** What a harvester needs besides its config: the token and, for tests and the demo, a fetch. */
export interface HarvesterEnvironment {
  token: string;
  /** GitLab: the token is a CI job token (sent as JOB-TOKEN, not PRIVATE-TOKEN). */
  jobToken?: boolean;
  fetch?: typeof fetch;
  retryUnitMs?: number;
}

export type HarvesterFactory<C extends SourceConfig> = (config: C, environment: HarvesterEnvironment) => Harvester;
