import { Duplex } from 'stream';

/**
 * Two ends of an in-memory byte stream, as a TCP connection behaves: what one
 * writes the other reads; ending one side ends the other's reading; destroying
 * one ends the other. The transport injected in session tests (architecture.md, practice 5).
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (otherIndex: number) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        ends[otherIndex].push(Buffer.from(chunk));
        callback();
      },
      final(callback) {
        ends[otherIndex].push(null);
        callback();
      },
      destroy(error, callback) {
        const other = ends[otherIndex];
        if (!other.readableEnded) other.push(null);
        callback(error);
      },
    });
  ends.push(make(1), make(0));
  return [ends[0], ends[1]];
}
