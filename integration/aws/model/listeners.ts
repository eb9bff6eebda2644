/** A typed set of listeners; a throwing listener is reported and never stops the others. */
export class Listeners<T> {
  private readonly set = new Set<(event: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Adds a listener; the returned function removes it. */
  add(listener: (event: T) => void): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  emit(event: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
