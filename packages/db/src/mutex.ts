/**
 * A promise mutex: `run` calls are executed one after another, in call order.
 * @example const m = new Mutex(); await m.run(async () => critical());
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs fn once every earlier `run` has settled; resolves or rejects with fn's outcome. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    // The next caller waits for this one to settle, whether it succeeded or not.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
