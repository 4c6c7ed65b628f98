import { type FollowerUpdate, updateLine } from './follower-update.ts';

interface Watcher {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  leave: () => void;
}

const encoder = new TextEncoder();

/**
 * The callers connected to a follower right now, each reading a stream of updates (NDJSON).
 * In memory only: a connection does not outlive the object that holds it.
 */
export class Watchers {
  readonly #all = new Set<Watcher>();

  get size(): number {
    return this.#all.size;
  }

  /**
   * A new watcher's stream. It ends when the caller's request is aborted (it went away) or the
   * follower closes it; `onLeave` runs once either way.
   */
  add(
    signal: AbortSignal | undefined,
    onLeave: () => void,
  ): {
    readable: ReadableStream<Uint8Array>;
    send: (update: FollowerUpdate) => void;
    close: () => void;
  } {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    let left = false;
    const watcher: Watcher = {
      writer,
      leave: () => {
        if (left) return;
        left = true;
        this.#all.delete(watcher);
        signal?.removeEventListener('abort', watcher.leave);
        onLeave();
      },
    };
    this.#all.add(watcher);
    signal?.addEventListener('abort', watcher.leave, { once: true });
    if (signal?.aborted) watcher.leave();
    return {
      readable,
      send: (update) => this.#write(watcher, encoder.encode(updateLine(update))),
      close: () => this.#close(watcher),
    };
  }

  /** One update to every watcher: rendered and encoded once, the same bytes written to each. */
  send(update: FollowerUpdate): void {
    if (this.#all.size === 0) return;
    const bytes = encoder.encode(updateLine(update));
    for (const watcher of this.#all) this.#write(watcher, bytes);
  }

  closeAll(): void {
    for (const watcher of this.#all) this.#close(watcher);
  }

  #write(watcher: Watcher, bytes: Uint8Array): void {
    // Not awaited: one slow reader must not hold the others. A reader that is gone shows up
    // as a failed write. Streams do not take over the bytes they are given: nobody changes
    // them, so every watcher can be handed the same ones.
    watcher.writer.write(bytes).catch(() => watcher.leave());
  }

  #close(watcher: Watcher): void {
    watcher.leave();
    watcher.writer.close().catch(() => {});
  }
}
