import { Command, CommanderError, Option } from 'commander';
import { DorametricsError, ExitCode } from './util/errors.js';
import type { Io } from './util/io.js';
import { resolveGlobalOptions, type CommandContext } from './commands/context.js';
import { TOOL_VERSION as version } from './version.js';

/**
 * Every command is declared here and its handler imported lazily, so `--help` loads neither
 * SQLite nor any forge SDK (STYLE habit 6). Handlers return an exit code; `run` returns it.
 */


function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Runs the CLI in-process and returns its exit code (SPEC §2). */
export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command();

  const context = (): CommandContext => ({ io, global: resolveGlobalOptions(program.opts(), io) });
  const handle =
    <T>(load: () => Promise<(options: T, ctx: CommandContext) => Promise<number>>) =>
    async (options: T) => {
      const execute = await load();
      exitCode = await execute(options, context());
    };

  program
    .name('dorametrics')
    .description('Exact DORA metrics from GitHub and GitLab, computed from a local SQLite store.')
    .version(version, '-V, --version')
    .option('--config <file>', 'config file', undefined)
    .option('--db <file>', 'SQLite store (env DORAMETRICS_DB)', undefined)
    .option('-q, --quiet', 'print nothing but data and errors')
    .option('-v, --verbose', 'print what is being done')
    .option('--no-color', 'plain output (also NO_COLOR)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    })
    .addHelpText('after', examples([
      'dorametrics demo',
      'dorametrics init',
      'dorametrics record deployment --repo github:acme/shop --sha 3f2a9c1 --at 2026-11-02T14:03:00Z',
      'dorametrics report --since 30d --fail-on "changeFailureRate.rate>15%"',
    ]));

  program
    .command('init')
    .description('write a starter dorametrics.config.json')
    .option('--force', 'overwrite an existing config file')
    .addHelpText('after', examples(['dorametrics init', 'dorametrics init --config ci/dora.json --force']))
    .action(handle(async () => (await import('./commands/init.js')).execute));

  program
    .command('sync')
    .description('harvest every configured source into the store (incremental)')
    .option('--full', 'ignore the stored cursors and re-harvest everything')
    .option('--since <date>', 'how far back a first harvest reaches: a date, or 90d, 12w, 6m')
    .option('--repo <id>', 'only this configured source, e.g. github:acme/shop, gitlab:acme/payments or gitlab:<project id> (repeatable)', collect)
    .addHelpText('after', examples([
      'GITHUB_TOKEN=ghp_… dorametrics sync',
      'dorametrics sync --since 90d',
      'dorametrics sync --repo github:acme/shop --full',
    ]))
    .action(handle(async () => (await import('./commands/sync.js')).execute));

  program
    .command('report')
    .description('compute the DORA metrics for a window and render them')
    .option('--from <date>', 'window start, ISO date or time (a date is midnight in --tz)')
    .option('--to <date>', 'window end, exclusive (default: now)')
    .option('--since <span>', 'window ending now: 30d, 12w or 6m (default 30d)')
    .option('--tz <zone>', 'IANA time zone for days, weeks and months (default: config timezone, else UTC)')
    .option('--repo <id>', 'only this repository, e.g. github:acme/shop or gitlab:<project id> (repeatable)', collect)
    .option('--team <name>', 'only the repositories of this team (config "teams")')
    .option('--env <name>', 'the environment deployments go to', 'production')
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, else json)').choices(['table', 'markdown', 'json']))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--compare', 'add the previous window of equal length')
    .addOption(new Option('--by <period>', 'add a time series: ISO weeks or calendar months in --tz').choices(['week', 'month']))
    .option('--fail-on <expr>', 'exit 1 when breached, e.g. "leadTime.p50>2d" (repeatable)', collect)
    .addHelpText('after', examples([
      'dorametrics report',
      'dorametrics report --since 12w --tz Europe/Berlin --compare --by week',
      'dorametrics report --since 12w --by week --compare --format markdown --output "$GITHUB_STEP_SUMMARY"',
      'dorametrics report --from 2026-10-01 --to 2026-11-01 --repo github:acme/shop --format json --output dora.json',
      'dorametrics report --format json --fail-on "changeFailureRate.rate>15%" --fail-on "leadTime.p50>2d"',
    ]))
    .action(handle(async () => (await import('./commands/report.js')).execute));

  const record = program
    .command('record')
    .description('write one deployment or incident into the store (for CI jobs and on-call tools)')
    .addHelpText('after', examples([
      'dorametrics record deployment --repo github:acme/shop --sha "$GITHUB_SHA"',
      'dorametrics record incident --repo github:acme/shop --id INC-42 --opened 2026-11-02T15:00:00Z',
    ]));

  record
    .command('deployment')
    .description('record a deployment of a commit to an environment')
    .requiredOption('--repo <id>', 'repository, e.g. github:acme/shop')
    .requiredOption('--sha <sha>', 'the deployed commit (full sha, or the prefix your graph knows)')
    .option('--env <name>', 'environment', 'production')
    .option('--status <status>', 'success, failure, error, in_progress, …', 'success')
    .option('--at <time>', 'when it finished, ISO time (default: now)')
    .option('--id <id>', 'your id for it: recording the same id again updates it')
    .addHelpText('after', examples([
      'dorametrics record deployment --repo github:acme/shop --sha "$GITHUB_SHA" --env production',
      'dorametrics record deployment --repo gitlab:acme/payments --sha 3f2a9c1 --status failure --at 2026-11-02T14:03:00Z --id pipeline-8812',
    ]))
    .action(handle(async () => (await import('./commands/record.js')).recordDeployment));

  record
    .command('incident')
    .description('record an incident, or resolve one recorded before')
    .requiredOption('--repo <id>', 'repository (or service mapped to one), e.g. github:acme/shop')
    .requiredOption('--id <id>', 'your id for it: recording the same id again updates it')
    .option('--opened <time>', 'when it was opened, ISO time (required for a new incident)')
    .option('--resolved <time>', 'when it was resolved, ISO time')
    .option('--title <text>', 'title')
    .option('--body <text>', 'body; "root cause: <sha|#PR|URL>" ties it to a deployment')
    .option('--severity <level>', 'severity, e.g. SEV2')
    .option('--url <url>', 'link to the incident')
    .addHelpText('after', examples([
      'dorametrics record incident --repo github:acme/shop --id INC-42 --opened 2026-11-02T15:00:00Z --title "Checkout 500s" --body "root cause: 3f2a9c1"',
      'dorametrics record incident --repo github:acme/shop --id INC-42 --resolved 2026-11-02T16:10:00Z',
    ]))
    .action(handle(async () => (await import('./commands/record.js')).recordIncident));

  const importCommand = program
    .command('import')
    .description('bulk-load facts from files')
    .addHelpText('after', examples(['dorametrics import incidents incidents.csv']));
  importCommand
    .command('incidents')
    .description('load incidents from a CSV or JSON file (generic, PagerDuty or Opsgenie export)')
    .argument('<file>', 'CSV or JSON file')
    .addOption(new Option('--layout <layout>', 'column layout (default: detected from the header)').choices(['generic', 'pagerduty', 'opsgenie']))
    .option('--service-map <pairs>', 'service=repo pairs, comma-separated, e.g. "checkout-api=github:acme/shop"')
    .option('--repo <id>', 'repository for rows that name none')
    .addHelpText('after', examples([
      'dorametrics import incidents incidents.csv',
      'dorametrics import incidents pagerduty-incidents.csv --service-map "Checkout API=github:acme/shop"',
      'dorametrics import incidents opsgenie.csv --layout opsgenie --repo gitlab:acme/payments',
    ]))
    .action(async (file: string, options: Record<string, unknown>) => {
      const { execute } = await import('./commands/import.js');
      exitCode = await execute(file, options, context());
    });

  program
    .command('demo')
    .description('sync a bundled sample forge (recorded, offline, no token) into a temporary store and print its report')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, else markdown)').choices(['table', 'markdown', 'json']),
    )
    .option('--keep <dir>', 'keep the store and its config in this (new or empty) directory, to try report with other flags')
    .addHelpText('after', examples([
      'dorametrics demo',
      'dorametrics demo --format markdown > retro.md',
      'dorametrics demo --keep acme && dorametrics --db acme/dorametrics.db --config acme/dorametrics.config.json report --from 2026-10-01 --to 2026-11-01 --team payments',
    ]))
    .action(handle(async () => (await import('./commands/demo.js')).execute));

  program
    .command('doctor')
    .description('check the config, the tokens (never printed), API reachability, rate limits and the store')
    .addHelpText('after', examples(['dorametrics doctor', 'dorametrics doctor --config ci/dora.json']))
    .action(handle(async () => (await import('./commands/doctor.js')).execute));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, Boolean(program.opts().verbose));
  }
}

function reportError(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander's exitOverride; they already printed.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return ExitCode.usage;
  }
  if (error instanceof DorametricsError) {
    io.stderr(`dorametrics: ${error.message}\n`);
    if (error.hint) io.stderr(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  // Nothing anticipated this error: a bug. It "could not finish" (exit 3), never exit 1, which
  // CI reads as a breached threshold. The stack only with --verbose.
  const detail = error instanceof Error ? (verbose && error.stack ? error.stack : `${error.name}: ${error.message}`) : String(error);
  io.stderr(`dorametrics: unexpected error: ${withoutTokens(detail, io.env)}\n`);
  io.stderr(`  hint: this is a bug in dorametrics; please report it with the command you ran${verbose ? '' : ' (--verbose adds the stack trace)'}\n`);
  return ExitCode.failure;
}

/**
 * A message with the value of every token-like environment variable masked: no message of
 * ours names a token, but an unexpected one comes from code we do not control (SPEC §7).
 */
function withoutTokens(text: string, env: Record<string, string | undefined>): string {
  let masked = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.trim().length >= 8 && /TOKEN|SECRET|PASSWORD|KEY/i.test(name)) masked = masked.split(value.trim()).join('***');
  }
  return masked;
}
