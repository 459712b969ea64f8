/** A column of a text table that may have to fit a narrow terminal. */
export interface TableColumn {
  header: string;
  /** Columns with a rank are hidden, lowest rank first, while the table is too wide; the others always stay. */
  dropRank?: number;
  /** When hiding is not enough, its cells are cut short with '…' (a long reason, say). */
  shrinks?: boolean;
}

export interface FittedTable {
  lines: string[];
  /** Headers of the columns hidden to fit. */
  hidden: string[];
  /** The width the whole table would take. */
  fullWidth: number;
}

const GAP = '  ';
/** A shrunk column keeps at least this much of its text. */
const MIN_SHRUNK_WIDTH = 8;

/**
 * Left-aligned text columns, with a rule under the header, in at most `width`
 * characters a line (Infinity for no limit): the least important columns go
 * first, then the shrinking ones are cut short; a line is never longer.
 */
export function fitTable(columns: readonly TableColumn[], rows: readonly string[][], width: number): FittedTable {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  let shown = columns.map((_, i) => i);
  const total = () => shown.reduce((sum, i) => sum + widths[i], 0) + GAP.length * (shown.length - 1);
  const fullWidth = total();
  const byRank = shown.filter((i) => columns[i].dropRank !== undefined).sort((a, b) => columns[a].dropRank! - columns[b].dropRank!);
  const dropped: number[] = [];
  for (const i of byRank) {
    if (total() <= width) break;
    shown = shown.filter((j) => j !== i);
    dropped.push(i);
  }
  // A narrow column hidden before a wide one may fit again once that one is gone: the most important first.
  for (const i of dropped.reverse()) {
    shown = [...shown, i].sort((a, b) => a - b);
    if (total() > width) shown = shown.filter((j) => j !== i);
  }
  for (const i of shown.filter((i) => columns[i].shrinks)) {
    const excess = total() - width;
    if (excess <= 0) break;
    widths[i] = Math.max(Math.min(MIN_SHRUNK_WIDTH, widths[i]), widths[i] - excess);
  }
  const cell = (text: string, i: number) => shorten(text, widths[i]).padEnd(widths[i]);
  const line = (cells: readonly string[]) =>
    shown
      .map((i) => cell(cells[i] ?? '', i))
      .join(GAP)
      .trimEnd()
      .slice(0, width);
  return {
    lines: [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)],
    hidden: columns.filter((_, i) => !shown.includes(i)).map((c) => c.header),
    fullWidth,
  };
}

/** The text, cut short with '…' when longer than `width`. */
export function shorten(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text;
}
