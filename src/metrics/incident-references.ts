import type { Repository } from '../domain/types.js';

/** What a `root cause:` or `caused by:` line in an incident body points at (SPEC §5.7). */
export type IncidentReference = { kind: 'commit'; sha: string } | { kind: 'pr'; number: number };

const MARKER = /\b(?:root cause|caused by)\s*:\s*(\S+)/gi;
const SHA = /^[0-9a-f]{7,40}$/i;
const MARKDOWN_LINK = /^\[[^\]]*\]\(([^)\s]+)\)/;

/**
 * The references of an incident body, in the order they appear. Only the token right after
 * `root cause:` or `caused by:` counts; other mentions (`see #45`) are not references.
 */
export function incidentReferences(body: string, repository: Repository): IncidentReference[] {
  const references: IncidentReference[] = [];
  for (const match of body.matchAll(MARKER)) {
    const reference = parseToken(match[1]!, repository);
    if (reference) references.push(reference);
  }
  return references;
}

function parseToken(raw: string, repository: Repository): IncidentReference | null {
  const link = MARKDOWN_LINK.exec(raw);
  const token = (link ? link[1]! : raw).replace(/^[(<["'`]+/, '').replace(/[)\]>.,;:!?"'`]+$/, '');
  if (/^https?:\/\//i.test(token)) return parseUrl(token, repository);
  const prefix = repository.forge === 'github' ? '#' : '!';
  if (token.startsWith(prefix) && /^\d+$/.test(token.slice(1))) {
    return { kind: 'pr', number: Number(token.slice(1)) };
  }
  if (SHA.test(token)) return { kind: 'commit', sha: token.toLowerCase() };
  return null;
}

/**
 * A commit or PR URL of the same repository. With the repository's web URL known (every
 * harvested one), the URL must start with it: `https://gitlab.com/group/acme/shop/…` is not
 * `gitlab.com/acme/shop`, and a self-managed GitLab under `/gitlab` works. Without it (a
 * repository only `record` or `import` named), its path must contain `/owner/repo/`. GitHub
 * links PRs as `pull/N`, GitLab as `-/merge_requests/N`.
 */
function parseUrl(token: string, repository: Repository): IncidentReference | null {
  let url: URL;
  let pathname: string;
  try {
    url = new URL(token);
    pathname = decodeURIComponent(url.pathname).toLowerCase();
  } catch {
    return null;
  }
  const rest = repository.webUrl ? underWebUrl(url, pathname, repository.webUrl) : underRepoPath(pathname, repository.fullName);
  if (rest === null) return null;
  const commit = /^commits?\/([0-9a-f]{7,40})(?:\/|$)/.exec(rest);
  if (commit) return { kind: 'commit', sha: commit[1]! };
  const pr = (repository.forge === 'github' ? /^pull\/(\d+)(?:\/|$)/ : /^merge_requests\/(\d+)(?:\/|$)/).exec(rest);
  if (pr) return { kind: 'pr', number: Number(pr[1]) };
  return null;
}

/** The path below the repository's web URL (GitLab's `-/` dropped), or null when elsewhere. */
function underWebUrl(url: URL, pathname: string, webUrl: string): string | null {
  let base: URL;
  try {
    base = new URL(webUrl);
  } catch {
    return null;
  }
  const basePath = `${decodeURIComponent(base.pathname).toLowerCase().replace(/\/+$/, '')}/`;
  if (url.host.toLowerCase() !== base.host.toLowerCase() || !pathname.startsWith(basePath)) return null;
  return pathname.slice(basePath.length).replace(/^-\//, '');
}

/** The path after `/owner/repo/` anywhere in the URL's path (GitLab's `-/` dropped), or null. */
function underRepoPath(pathname: string, fullName: string): string | null {
  const repoPath = `/${fullName.toLowerCase()}/`;
  const at = pathname.indexOf(repoPath);
  return at === -1 ? null : pathname.slice(at + repoPath.length).replace(/^-\//, '');
}
