/** A peer's client for people to read: BEP 10's `v` when sent, else the Azureus-style code of its peer id (BEP 20). */
export function clientName(peerId: Buffer, extensionV?: string): string {
  if (extensionV) return extensionV.replace(/[^\x20-\x7e]/g, '').slice(0, 40);
  const azureus = /^-([A-Za-z]{2})([0-9A-Za-z]{4})-/.exec(peerId.toString('latin1'));
  return azureus ? `${azureus[1]} ${azureus[2]}` : 'unknown';
}
