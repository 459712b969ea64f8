/** What a peerProcess or swarmlab exit code means; the launcher and scripts rely on these. */
export const ExitCode = {
  /** Every peer has the complete file (peerProcess); the swarm finished and every copy matches (swarm). */
  Ok: 0,
  /** A bug or an error nobody foresaw. */
  Internal: 1,
  /** Bad command-line arguments. */
  Usage: 2,
  /** Common.cfg or PeerInfo.cfg is missing or malformed, or the peer is not listed. */
  Config: 3,
  /** A seeder's file is missing or has the wrong size. */
  SeedFile: 4,
  /** The listening port is taken. */
  PortInUse: 5,
  /** Writing or reading our own file failed during the run. */
  Storage: 6,
  /** swarm: a peer failed, hung past the timeout, or a copy differs from the seeder's. */
  SwarmFailed: 7,
  /** A .torrent is malformed, or disagrees with Common.cfg. */
  BadMetaInfo: 8,
  /** check-logs: the logs break the spec's rules. */
  LogViolations: 9,
  /** swarm: a remote host cannot be used (does not answer, refuses our key), or copying files there failed. */
  RemoteHost: 10,
  /** testbed: not root, a tool missing, its tag in use, or a step the system refused. */
  Testbed: 11,
  /** add, ls, pause, resume, recheck, rm, top: no daemon answers at --api. */
  DaemonUnreachable: 12,
  /** add, ls, pause, resume, recheck, rm: the daemon answered with an error (an unknown or ambiguous id, a bad torrent, a wrong token...). */
  DaemonRefused: 13,
  /** Stopped by SIGINT or SIGTERM before the end. */
  Interrupted: 130,
} as const;
