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

/** A commit or PR URL of the same repository (github.com/o/r/commit/…, gitlab/g/p/-/merge_requests/…). */
function parseUrl(token: string, repository: Repository): IncidentReference | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(token).pathname).toLowerCase();
  } catch {
    return null;
  }
  const repoPath = `/${repository.fullName.toLowerCase()}/`;
  const at = pathname.indexOf(repoPath);
  if (at === -1) return null;
  const rest = pathname.slice(at + repoPath.length).replace(/^-\//, '');
  const commit = /^commits?\/([0-9a-f]{7,40})(?:\/|$)/.exec(rest);
  if (commit) return { kind: 'commit', sha: commit[1]! };
  const pr = /^(?:pull|merge_requests)\/(\d+)(?:\/|$)/.exec(rest);
  if (pr) return { kind: 'pr', number: Number(pr[1]) };
  return null;
}
