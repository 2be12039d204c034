import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'dorametrics.js');

describe('the built bin/dorametrics.js', () => {
  it('is built (npm test runs the build first)', () => {
    expect(existsSync(path.join(root, 'dist', 'cli.js')), 'dist/cli.js is missing: run "npm run build"').toBe(true);
  });

  it('answers --help without loading SQLite, Octokit or gitbeaker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dorametrics-spawn-'));
    try {
      const log = path.join(dir, 'imports.log');
      const result = spawnSync(process.execPath, ['--import', path.join(root, 'test/helpers/register-import-hooks.mjs'), bin, '--help'], {
        encoding: 'utf8',
        env: { ...process.env, DORAMETRICS_IMPORT_LOG: log },
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Usage: dorametrics');
      expect(result.stdout).toContain('report');
      expect(result.stdout).toContain('Examples:');
      const imports = readFileSync(log, 'utf8');
      expect(imports).toContain('commander'); // the hook saw the program's own imports
      expect(imports).not.toMatch(/better-sqlite3|@octokit|@gitbeaker/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown command and prints --version', () => {
    const unknown = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });
});
