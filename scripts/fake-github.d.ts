/** Types of scripts/fake-github.js (see there). */
export interface FakeCommit { oid: string; parents: string[]; authoredDate: string; committedDate?: string; login?: string }
export interface FakePullRequest {
  number: number; title?: string; body?: string; author: string; bot?: boolean; createdAt: string; updatedAt: string;
  mergedAt?: string | null; closedAt?: string | null; mergeCommit?: string | null; baseRefName?: string; headRefOid?: string;
  isDraft?: boolean; labels?: string[]; commits: Array<{ oid: string; authoredDate: string }>;
  reviews?: Array<{ login: string; submittedAt: string | null; state?: string }>;
}
export interface FakeDeployment { databaseId: number; sha: string; environment: string; createdAt: string; statuses: Array<{ state: string; createdAt: string }> }
export interface FakeIssue { number: number; title: string; body?: string; labels: string[]; createdAt: string; updatedAt: string; closedAt?: string | null; pullRequest?: boolean }
export interface FakeRepository {
  /** GitHub's numeric repository id; derived from the name when not given. */
  id?: number;
  defaultBranch?: string; head: string; commits: FakeCommit[]; pullRequests: FakePullRequest[]; deployments: FakeDeployment[]; issues: FakeIssue[];
}
export interface FakeGitHub {
  fetch: typeof fetch;
  requests: Array<{ method: string; path: string; operation?: string }>;
  repositories: Record<string, FakeRepository>;
  /** Old "owner/name" → current: a renamed or transferred repository still answers at its old name. */
  redirects: Record<string, string>;
}
export function createFakeGitHub(repositories: Record<string, FakeRepository>, options?: { baseUrl?: string }): FakeGitHub;
