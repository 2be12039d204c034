import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { sourceSchema } from '../../src/config/schema.js';
import { configuredRepoId, gitlabProjectId, sourceLabel } from '../../src/sources/index.js';
import { ConfigError } from '../../src/util/errors.js';
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
