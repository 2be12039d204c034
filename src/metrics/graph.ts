import type { Commit } from '../domain/types.js';

/**
 * One repository's commit graph, for the reachability rule of SPEC §5.2. Built once per
 * report from the stored commits; every question about ancestry is answered here, in
 * memory, so no metric ever queries the store per commit.
 */
export class CommitGraph {
  private readonly parentsBySha = new Map<string, readonly string[]>();
  private readonly commitsBySha = new Map<string, Commit>();
  private sortedShas: string[] | null = null;

  constructor(commits: Iterable<Commit>) {
    for (const commit of commits) {
      const sha = commit.sha.toLowerCase();
      this.parentsBySha.set(sha, commit.parents.map((parent) => parent.toLowerCase()));
      this.commitsBySha.set(sha, commit);
    }
  }

  has(sha: string): boolean {
    return this.parentsBySha.has(sha);
  }

  commit(sha: string): Commit | undefined {
    return this.commitsBySha.get(sha);
  }

  parents(sha: string): readonly string[] {
    return this.parentsBySha.get(sha) ?? [];
  }

  /**
   * The full sha for `sha`, which may be an abbreviation (`record deployment --sha 3f2a9c1`).
   * An abbreviation that is unknown or ambiguous stays as given: it can then only match
   * itself, and the caller warns about it.
   */
  resolve(sha: string): string {
    const lower = sha.toLowerCase();
    if (lower.length >= 40 || this.parentsBySha.has(lower)) return lower;
    this.sortedShas ??= [...this.parentsBySha.keys()].sort();
    const shas = this.sortedShas;
    let low = 0;
    let high = shas.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (shas[mid]! < lower) low = mid + 1;
      else high = mid;
    }
    const first = shas[low];
    if (first === undefined || !first.startsWith(lower)) return lower;
    const second = shas[low + 1];
    if (second !== undefined && second.startsWith(lower)) return lower;
    return first;
  }

  /**
   * Walks the ancestors of `start` (itself included) that `visited` does not hold yet,
   * calling `visit` for each and adding it to `visited`. Walking deployments oldest first
   * with one shared `visited` set assigns each commit to the earliest deployment that
   * reaches it, in one pass over the graph (SPEC §5.2).
   */
  walkNew(start: string, visited: Set<string>, visit: (sha: string) => void): void {
    if (visited.has(start)) return;
    const stack = [start];
    visited.add(start);
    while (stack.length > 0) {
      const sha = stack.pop()!;
      visit(sha);
      for (const parent of this.parents(sha)) {
        if (!visited.has(parent)) {
          visited.add(parent);
          stack.push(parent);
        }
      }
    }
  }

  /**
   * Whether `ancestor` is a strict ancestor of `descendant`. `canReach`, when given, prunes
   * the walk to commits that could lie between them (the caller knows from the first-reach
   * map that nothing outside it can).
   */
  isStrictAncestor(ancestor: string, descendant: string, canReach?: (sha: string) => boolean): boolean {
    if (ancestor === descendant) return false;
    const seen = new Set<string>([descendant]);
    const stack = [descendant];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      for (const parent of this.parents(sha)) {
        if (parent === ancestor) return true;
        if (!seen.has(parent) && (canReach === undefined || canReach(parent))) {
          seen.add(parent);
          stack.push(parent);
        }
      }
    }
    return false;
  }
}
