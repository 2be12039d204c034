import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_REF } from '../../src/commands/init.js';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { parseThresholds } from '../../src/report/thresholds.js';
import { runCli } from '../helpers/run-cli.js';

let cwd: string;
const configFile = () => path.join(cwd, 'dorametrics.config.json');

beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'dorametrics-init-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('dorametrics init (SPEC §2)', () => {
  it('writes a starter config that validates, with a $schema reference', async () => {
    const { code, stdout, stderr } = await runCli(['init'], { cwd });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('wrote dorametrics.config.json');
    expect(stderr).toContain('next steps:');
    expect(stderr).toContain('npx dorametrics sync');

    const written = JSON.parse(readFileSync(configFile(), 'utf8'));
    expect(written.$schema).toBe('./node_modules/dorametrics/schemas/config.schema.json');
    expect(written.$schema).toBe(CONFIG_SCHEMA_REF);
    const parsed = configSchema.safeParse(written);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    // The same path `report` takes to read it, and its thresholds are valid --fail-on expressions.
    const config = loadConfig(configFile(), true);
    expect(config.sources).toMatchObject([
      {
        type: 'github',
        deployments: { from: 'deployments', environments: ['production'] },
        incidents: { from: 'issues', labels: ['incident'] },
      },
    ]);
    expect(config.exclude.authors.length).toBeGreaterThan(0);
    expect(config.failure.attributionWindow).toBe('24h');
    expect(parseThresholds(config.thresholds, 'thresholds')).not.toHaveLength(0);
  });

  it('refuses to overwrite an existing file without --force (exit 2) and leaves it alone', async () => {
    writeFileSync(configFile(), '{ "timezone": "Europe/Berlin" }\n');
    const { code, stdout, stderr } = await runCli(['init'], { cwd });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('dorametrics.config.json already exists');
    expect(stderr).toContain('--force');
    expect(stderr.split('\n')[0]).toMatch(/^dorametrics: /);
    expect(readFileSync(configFile(), 'utf8')).toBe('{ "timezone": "Europe/Berlin" }\n');
  });

  it('refuses on a second run', async () => {
    expect((await runCli(['init'], { cwd })).code).toBe(0);
    const second = await runCli(['init'], { cwd });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('--force');
  });

  it('overwrites with --force', async () => {
    writeFileSync(configFile(), '{ "timezone": "Europe/Berlin" }\n');
    const { code, stderr } = await runCli(['init', '--force'], { cwd });
    expect(code).toBe(0);
    expect(stderr).toContain('wrote dorametrics.config.json (replaced the existing file)');
    expect(JSON.parse(readFileSync(configFile(), 'utf8')).$schema).toBe(CONFIG_SCHEMA_REF);
  });

  it('prints nothing with --quiet', async () => {
    const { code, stdout, stderr } = await runCli(['--quiet', 'init'], { cwd });
    expect(code).toBe(0);
    expect(stdout + stderr).toBe('');
    expect(configSchema.safeParse(JSON.parse(readFileSync(configFile(), 'utf8'))).success).toBe(true);
  });

  it('writes to --config, creating its folder, with $schema relative to it', async () => {
    const { code, stderr } = await runCli(['--config', 'ci/dora/dora.json', 'init'], { cwd });
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${path.join('ci', 'dora', 'dora.json')}`);
    const written = JSON.parse(readFileSync(path.join(cwd, 'ci', 'dora', 'dora.json'), 'utf8'));
    expect(written.$schema).toBe('../../node_modules/dorametrics/schemas/config.schema.json');
  });

  it('names the file when it cannot be written', async () => {
    writeFileSync(path.join(cwd, 'not-a-folder'), '');
    const { code, stderr } = await runCli(['--config', 'not-a-folder/dora.json', 'init'], { cwd });
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot write ${path.join('not-a-folder', 'dora.json')}`);
  });
});
