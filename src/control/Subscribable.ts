/**
 * A source of typed events (node/EventBus is one), as seen by whoever only
 * listens: the launcher link and the metrics take any peer's events that
 * carry what they read, the course node's or a BitTorrent peer's.
 */
export interface Subscribable<Events extends object> {
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void;
}
