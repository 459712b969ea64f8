/** How each torrent's files were opened, as the daemon's debug log says (ManagedTorrent.check). */
export interface StoreOpenings {
  resumed: number;
  fresh: number;
  /** One entry per rechecked torrent: "<info-hash>: <why>". */
  rechecked: string[];
}

const OPENED = /torrent ([0-9a-f]{40}): files opened, (resumed|fresh|rechecked: (.*)) \(\d+ of \d+ pieces held\)$/;

/** Counts the "files opened" lines of a daemon's debug log text. */
export function storeOpenings(logText: string): StoreOpenings {
  const openings: StoreOpenings = { resumed: 0, fresh: 0, rechecked: [] };
  for (const line of logText.split('\n')) {
    const match = OPENED.exec(line);
    if (!match) continue;
    if (match[2] === 'resumed') openings.resumed++;
    else if (match[2] === 'fresh') openings.fresh++;
    else openings.rechecked.push(`${match[1]}: ${match[3]}`);
  }
  return openings;
}
