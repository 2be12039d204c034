import type { Commit, PullRequest, Repository } from '../domain/types.js';

/**
 * The merged commit of a PR (SPEC §5.2): GitHub's `merge_commit_sha` (merge, squash or last
 * rebased commit); GitLab's merge commit, else its squash commit, else the head sha (a
 * fast-forward merge puts the head itself on the target branch).
 */
export function mergedCommitOf(pr: PullRequest, forge: Repository['forge']): string | null {
  if (pr.mergedAt === null) return null;
  if (forge === 'gitlab') return pr.mergeCommitSha ?? pr.squashCommitSha ?? pr.headSha;
  return pr.mergeCommitSha;
}

/**
 * The earliest authored time among all the PR's commits, not the first listed one (SPEC
 * §5.4); the harvested `first_commit_at` when no commit list is stored.
 */
export function firstCommitAt(pr: PullRequest): number | null {
  let earliest: number | null = null;
  for (const commit of pr.commits) {
    if (commit.authoredAt !== null && (earliest === null || commit.authoredAt < earliest)) {
      earliest = commit.authoredAt;
    }
  }
  return earliest ?? pr.firstCommitAt;
}

const GITLAB_BOT_USER = /^(project|group)_\d+_bot/i;
const BOT_SUFFIX = /\[bot\]$/i;

/**
 * The **Bots** rule of SPEC §5: the forge says so (GitHub App accounts end in `[bot]`),
 * GitLab's project and group bot users, or a login listed in `exclude.authors`.
 */
export function botMatcher(excludedAuthors: readonly string[]): (login: string | null, forgeSaysBot?: boolean) => boolean {
  const excluded = new Set(excludedAuthors.map((author) => author.toLowerCase()));
  return (login, forgeSaysBot = false) => {
    if (forgeSaysBot) return true;
    if (login === null) return false;
    const lower = login.toLowerCase();
    if (BOT_SUFFIX.test(lower) || GITLAB_BOT_USER.test(lower)) return true;
    return excluded.has(lower) || excluded.has(lower.replace(BOT_SUFFIX, ''));
  };
}

export function isBotPullRequest(pr: PullRequest, isBot: ReturnType<typeof botMatcher>): boolean {
  return isBot(pr.author, pr.isBot);
}

export function isBotCommit(commit: Commit, isBot: ReturnType<typeof botMatcher>): boolean {
  return isBot(commit.author);
}

/**
 * The PR numbers a revert PR names in its body (SPEC §5.6): GitHub's `Reverts owner/repo#N`
 * for the same repository, GitLab's `This reverts merge request !N`. Titles are not used.
 */
export function revertedNumbers(pr: PullRequest, repository: Repository): number[] {
  const numbers: number[] = [];
  if (repository.forge === 'github') {
    const pattern = /\bReverts\s+([\w.-]+\/[\w.-]+)#(\d+)\b/gi;
    const fullName = repository.fullName.toLowerCase();
    for (const match of pr.body.matchAll(pattern)) {
      if (match[1]!.toLowerCase() === fullName) numbers.push(Number(match[2]));
    }
  } else {
    for (const match of pr.body.matchAll(/\bThis reverts merge request !(\d+)\b/gi)) {
      numbers.push(Number(match[1]));
    }
  }
  return numbers;
}
