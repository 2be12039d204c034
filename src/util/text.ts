/** `1 deployment`, `2 deployments`: a count with its noun in the right number (regular plurals only). */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
