import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createReplayFetch, loadRecording, RECORD_COMMAND, type ReplayFetch } from '../demo/replay.js';
import { DEMO_CONFIG, DEMO_HARVESTED_AT, DEMO_TOKEN, DEMO_WINDOW } from '../demo/sample.js';
import type { ReportFormat } from '../report/render.js';
import { createHarvester } from '../sources/index.js';
import type { HarvestReport } from '../sources/types.js';
import { closeStore, openStore } from '../store/index.js';
import { DorametricsError, ExitCode, UsageError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { summary } from './sync.js';
import { buildReport, writeReport } from './report.js';
import { resolveWindow } from './window.js';

export interface DemoFlags {
  format?: ReportFormat;
  keep?: string;
}

const STORE_FILE = 'dorametrics.db';
const CONFIG_FILE = 'dorametrics.config.json';

/**
 * `dorametrics demo` (SPEC §2, issue 5): the whole pipeline on a bundled sample forge, offline.
 * The three sources of the sample config are synced by the real harvesters (Octokit and
 * gitbeaker included) from recorded answers (src/demo/replay.ts) with a made-up token, into a
 * temporary store, and the report of the sample's twelve weeks is printed with its weekly
 * trend: a table on a terminal, Markdown otherwise (so `demo > retro.md` is a document), or
 * `--format`. The window is the sample's, never "now", so the output does not age.
 * `--keep DIR` leaves the store and its config in DIR for `report` with other flags.
 */
export async function execute(flags: DemoFlags, ctx: CommandContext): Promise<number> {
  const config = parseConfig(JSON.stringify(DEMO_CONFIG), 'of the demo');
  const window = resolveWindow({ from: DEMO_WINDOW.from, to: DEMO_WINDOW.to }, ctx.io.now(), config.timezone);
  const keep = flags.keep === undefined ? null : keepDirectory(path.resolve(ctx.io.cwd, flags.keep));
  const recording = loadRecording();

  const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'dorametrics-demo-'));
  const dbPath = path.join(dir, STORE_FILE);
  try {
    const replay = createReplayFetch(recording);
    const reports = await syncSample(config, replay, dbPath);
    if (!ctx.global.quiet) {
      for (const report of reports) ctx.io.stderr(`${summary(report)}\n`);
      ctx.io.stderr(`synced Acme's sample forge from its recording: ${replay.requests} requests, none of them on the network\n`);
    }
    const format: ReportFormat = flags.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'markdown');
    const { document } = buildReport({
      dbPath,
      config,
      flags: { env: 'production', by: 'week' },
      window,
      thresholds: [],
      now: ctx.io.now(),
    });
    writeReport(document, { format }, ctx, format);
    if (keep !== null) {
      writeFileSync(path.join(keep, CONFIG_FILE), `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`);
      if (!ctx.global.quiet) ctx.io.stderr(keepHint(keep, ctx.io.cwd));
    }
  } finally {
    if (keep === null) rmSync(dir, { recursive: true, force: true });
  }
  return ExitCode.ok;
}

/**
 * The directory `--keep` names, created if need be. It must not hold a store or a config
 * already: the demo fills a fresh store (a second sync of it would send requests the
 * recording does not have), and it never overwrites a config of the user's.
 */
function keepDirectory(dir: string): string {
  for (const file of [STORE_FILE, CONFIG_FILE]) {
    if (existsSync(path.join(dir, file))) {
      throw new UsageError(`--keep "${dir}" already holds a ${file}`, 'name a new or empty directory; the demo never overwrites a store or a config');
    }
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--keep "${dir}" cannot be created: ${(error as Error).message}`);
  }
  return dir;
}

/** The three sources, each through its real harvester, answered by the recording. */
async function syncSample(config: Config, replay: ReplayFetch, dbPath: string): Promise<HarvestReport[]> {
  const store = openStore(dbPath);
  const reports: HarvestReport[] = [];
  try {
    for (const source of config.sources) {
      const harvester = createHarvester(source, { token: DEMO_TOKEN, fetch: replay.fetch, retryUnitMs: 1 });
      try {
        reports.push(await harvester.harvest(store, { full: false, since: null, now: new Date(DEMO_HARVESTED_AT), progress: () => {} }));
      } catch (error) {
        // A request the recording lacks: the harvesters changed since it was made.
        if (replay.misses.length === 0) throw error;
        throw new DorametricsError(
          `the demo's recording has no answer for ${replay.misses[0]} (${harvester.source})`,
          ExitCode.failure,
          `the harvesters send requests the recording lacks; record it again: ${RECORD_COMMAND}`,
        );
      }
    }
  } finally {
    closeStore(store);
  }
  return reports;
}

function keepHint(dir: string, cwd: string): string {
  const shown = shellWord(displayPath(dir, cwd));
  const global = `--db ${shown}/${STORE_FILE} --config ${shown}/${CONFIG_FILE}`;
  return (
    `the store and its config are in ${displayPath(dir, cwd)}; try report with other flags, e.g.\n` +
    `  dorametrics ${global} report --from ${DEMO_WINDOW.from} --to ${DEMO_WINDOW.to} --repo gitlab:acme/payments\n` +
    `  dorametrics ${global} report --from 2026-10-01 --to 2026-11-01 --by week --format markdown\n`
  );
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** A path as one shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
