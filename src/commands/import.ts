import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { parseRepoId } from '../domain/ids.js';
import type { RepoId } from '../domain/types.js';
import { parseIncidentFile } from '../importers/incidents.js';
import type { LayoutName } from '../importers/layouts.js';
import { resolveRepo, serviceMapOf } from '../importers/repos.js';
import { ensureRepository, transaction, upsertIncidents, withStore } from '../store/index.js';
import { ExitCode, InputFileError, UsageError } from '../util/errors.js';
import type { CommandContext } from './context.js';

/**
 * `import incidents FILE` (SPEC §2): bulk-loads incidents from a generic CSV/JSON file or a
 * PagerDuty or Opsgenie export. The whole file is read and validated first; only then is the
 * store opened, and every row is written in one transaction: a bad row writes nothing, and
 * importing the same file again changes nothing (deterministic ids, SPEC §4).
 */

export interface ImportOptions {
  layout?: LayoutName;
  serviceMap?: string;
  repo?: string;
}

export async function execute(file: string, options: ImportOptions, ctx: CommandContext): Promise<number> {
  const config = loadConfig(ctx.global.configPath, ctx.global.configExplicit);
  // --service-map entries win over the config's `services` for the same service.
  const services = new Map([...serviceMapOf(config.services), ...parseServiceMap(options.serviceMap)]);
  const fallbackRepo = options.repo === undefined ? null : repoFlag(options.repo, services);

  const text = readInput(file, ctx);
  const { incidents } = parseIncidentFile(text, {
    fileName: file,
    ...(options.layout ? { layout: options.layout } : {}),
    services,
    fallbackRepo,
    timeZone: config.timezone,
  });

  withStore(ctx.global.dbPath, (store) => {
    transaction(store, () => {
      for (const repo of new Set(incidents.map((incident) => incident.repoId))) ensureRepository(store, repo);
      upsertIncidents(store, incidents);
    });
  });

  if (!ctx.global.quiet) {
    const open = incidents.filter((incident) => incident.resolvedAt === null).length;
    const noun = incidents.length === 1 ? 'incident' : 'incidents';
    ctx.io.stderr(`imported ${incidents.length} ${noun} (${open} open) into ${displayPath(ctx, ctx.global.dbPath)}\n`);
  }
  return ExitCode.ok;
}

/** `"Checkout API=github:acme/shop,Payments=gitlab:acme/pay"` → service → repository. */
export function parseServiceMap(value: string | undefined): Map<string, RepoId> {
  const map = new Map<string, RepoId>();
  if (value === undefined) return map;
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    // Split at the last "=": a repository id never contains one, a service name might.
    const at = pair.lastIndexOf('=');
    const service = at < 0 ? '' : pair.slice(0, at).trim();
    const repo = at < 0 ? '' : pair.slice(at + 1).trim();
    if (service === '' || repo === '') {
      throw new UsageError(`--service-map: "${pair.trim()}" is not a service=repository pair`, 'e.g. --service-map "Checkout API=github:acme/shop"');
    }
    if (!parseRepoId(repo)) {
      throw new UsageError(
        `--service-map: "${repo}" (for service "${service}") is not a repository id`,
        'write it as github:owner/repo or gitlab:group/project',
      );
    }
    map.set(service, repo);
  }
  return map;
}

function repoFlag(value: string, services: ReadonlyMap<string, RepoId>): RepoId {
  const repo = resolveRepo(value, services);
  if (!repo) {
    throw new UsageError(
      `--repo: "${value}" is neither a repository id nor a mapped service`,
      'write it as github:owner/repo or gitlab:group/project',
    );
  }
  return repo;
}

function readInput(file: string, ctx: CommandContext): string {
  try {
    return readFileSync(path.resolve(ctx.io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new InputFileError(`cannot read ${file}: ${reason}`);
  }
}

function displayPath(ctx: CommandContext, file: string): string {
  const relative = path.relative(ctx.io.cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
