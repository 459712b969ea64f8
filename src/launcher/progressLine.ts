import { shorten } from './fitTable.js';

/** What one peer's progress bar shows. */
export interface ProgressFields {
  peer: string;
  piecesHeld: number;
  pieceCount: number;
  /** Its download rate, formatted (`1.2 MiB`). */
  rate: string;
  /** How it ended or where it is (`waiting to start`), or nothing while it runs. */
  state: string;
}

/** A bar's width bounds: at least this narrow a bar still shows progress, a wider one shows no more. */
export const WIDEST_BAR = 40;
export const NARROWEST_BAR = 10;
const HELD = '\u2588';
const MISSING = '\u2591';

/**
 * `1002 [████░░░░] 120/1221 pieces  1.2 MiB/s state` in at most `width`
 * characters: the bar narrows first, then the state is cut short, so a line
 * never wraps (a wrapped line breaks the redrawing of every bar below it).
 */
export function progressLine(fields: ProgressFields, width: number): string {
  const { peer, piecesHeld, pieceCount, rate, state } = fields;
  const counts = `${String(piecesHeld).padStart(String(pieceCount).length)}/${pieceCount} pieces  ${rate}/s${state ? ` ${state}` : ''}`;
  const barWidth = Math.max(NARROWEST_BAR, Math.min(WIDEST_BAR, width - `${peer} [] ${counts}`.length));
  return shorten(`${peer} [${pieceBar(piecesHeld, pieceCount, barWidth)}] ${counts}`, width);
}

/** `████░░░░`: `barWidth` cells, filled in proportion to the pieces held (none while the count is unknown). */
export function pieceBar(piecesHeld: number, pieceCount: number, barWidth: number): string {
  const held = pieceCount > 0 ? Math.round((barWidth * piecesHeld) / pieceCount) : 0;
  return HELD.repeat(held) + MISSING.repeat(barWidth - held);
}
