import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { sourceSchema } from '../../src/config/schema.js';
import { configuredRepoId, gitlabProjectId, sourceLabel } from '../../src/sources/index.js';
import { ConfigError } from '../../src/util/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

const gitlab = (project: unknown) => sourceSchema.parse({ type: 'gitlab', project });

describe('a GitLab source names its project by path or by numeric id (issue 4)', () => {
  it('by path, subgroups included: the path is its repository id', () => {
    for (const project of ['acme/payments', 'acme/platform/payments']) {
      const source = gitlab(project);
      expect(gitlabProjectId(source)).toBeNull();
      expect(configuredRepoId(source)).toBe(`gitlab:${project}`);
      expect(sourceLabel(source)).toBe(`gitlab:${project}`);
    }
  });

  it('by id, as a JSON number or a string of digits: no repository id until a sync finds its path', () => {
    for (const project of [42, '42']) {
      const source = gitlab(project);
      expect(gitlabProjectId(source)).toBe(42);
      expect(configuredRepoId(source)).toBeNull();
      expect(sourceLabel(source)).toBe('gitlab:42');
    }
  });

  it('rejects what is neither, naming the key path', () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'dorametrics.config.json');
    for (const project of ['payments', 'acme/', '/payments', 'acme/pay ments', '0', '042', 0, -3, 4.5, true]) {
      writeFileSync(file, JSON.stringify({ sources: [{ type: 'gitlab', project }] }));
      expect(() => loadConfig(file, true), JSON.stringify(project)).toThrow(
        new ConfigError(`config ${file}: sources[0].project: must be "group/project" (subgroups allowed) or the numeric project id`),
      );
    }
  });
});

describe('deployment-source keys are checked with the config, before any sync (SPEC §2: exit 2 writes nothing)', () => {
  const cases: Array<[unknown, string]> = [
    [{ type: 'github', repo: 'acme/shop', deployments: { from: 'workflow_runs' } }, 'sources[0].deployments.workflow: required with from: "workflow_runs" (e.g. "deploy.yml")'],
    [{ type: 'gitlab', project: 'acme/payments', deployments: { from: 'pipelines' } }, 'sources[0].deployments.jobPattern: required with from: "pipelines" (e.g. "^deploy")'],
    [{ type: 'github', repo: 'acme/shop', deployments: { from: 'releases', tagPattern: '^v' } }, 'sources[0].deployments.tagPattern: only applies with from: "tags" (from is "releases")'],
    [{ type: 'gitlab', project: 'acme/payments', deployments: { from: 'deployments', jobPattern: 'deploy' } }, 'sources[0].deployments.jobPattern: only applies with from: "pipelines" (from is "deployments")'],
  ];

  it('a key a source needs is required, and a key of another source is refused, by key path', () => {
    const file = path.join(tempDir(), 'dorametrics.config.json');
    for (const [source, message] of cases) {
      writeFileSync(file, JSON.stringify({ sources: [source] }));
      expect(() => loadConfig(file, true)).toThrow(new ConfigError(`config ${file}: ${message}`));
    }
  });

  it('valid combinations still parse', () => {
    expect(sourceSchema.parse({ type: 'github', repo: 'acme/shop', deployments: { from: 'workflow_runs', workflow: 'deploy.yml' } })).toBeTruthy();
    expect(sourceSchema.parse({ type: 'gitlab', project: 'acme/payments', deployments: { from: 'tags', tagPattern: '^v' } })).toBeTruthy();
    expect(sourceSchema.parse({ type: 'gitlab', project: 'acme/payments', deployments: { from: 'tags' } })).toBeTruthy();
  });

  it('sync with such a config exits 2 before any request, and creates no store', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [cases[0]![0]] }));
    const result = await runCli(['sync'], { cwd, env: { GITHUB_TOKEN: 'ghp_unused' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`dorametrics: config ${path.join(cwd, 'dorametrics.config.json')}: ${cases[0]![1]}\n`);
    expect(existsSync(path.join(cwd, '.dorametrics'))).toBe(false);
  });
});
