import type { Violation } from './checkLogs.js';

/** How many of a group's other line numbers are listed. */
const LISTED_LINES = 10;

/** One mistake repeated: its first violation, and the other lines of the same file where it recurs. */
export interface ViolationGroup {
  first: Violation;
  moreLines: number[];
}

/**
 * Groups violations of the same rule, in the same file, and of the same shape
 * (by default, details that differ only in their numbers: IDs, pieces, times):
 * sentences missing their final '.' are one entry, not one per line. Violations about a whole log (no line) stay
 * apart, since their numbers are all they say. The order is the first's.
 */
export function groupViolations(violations: readonly Violation[]): ViolationGroup[] {
  const groups: ViolationGroup[] = [];
  const byShape = new Map<string, ViolationGroup>();
  for (const violation of violations) {
    const shape = violation.line === undefined ? undefined : JSON.stringify([violation.file, violation.rule, violation.shape ?? violation.detail.replace(/\d+/g, '#')]);
    const group = shape === undefined ? undefined : byShape.get(shape);
    if (group) {
      group.moreLines.push(violation.line!);
      continue;
    }
    const created = { first: violation, moreLines: [] };
    groups.push(created);
    if (shape !== undefined) byShape.set(shape, created);
  }
  return groups;
}

/** "file:line: rule: detail", then "  and 124 more lines like this one (lines 3, 5, 9, ...)" when it recurs. */
export function formatGroup({ first, moreLines }: ViolationGroup): string {
  const head = `${first.file}${first.line ? `:${first.line}` : ''}: ${first.rule}: ${first.detail}`;
  if (moreLines.length === 0) return head;
  const listed = moreLines.slice(0, LISTED_LINES).join(', ') + (moreLines.length > LISTED_LINES ? ', ...' : '');
  return `${head}\n  and ${moreLines.length} more ${moreLines.length === 1 ? 'line' : 'lines'} like this one (${moreLines.length === 1 ? 'line' : 'lines'} ${listed})`;
}
