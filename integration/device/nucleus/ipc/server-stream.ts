import type { EventStream } from './operation.js';

/**
 * One stream of a connection as the server sees it. Events pushed before the initial
 * response is on the wire are held back, since the client drops an event that arrives
 * before the response and fails the call.
 */
export class ServerStream implements EventStream {
  private active = false;
  private ended = false;
  private readonly pending: unknown[] = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly streamId: number,
    readonly operation: string,
    private readonly sendEvent: (body: unknown) => void,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  send(body: unknown): void {
    if (this.ended) return;
    if (this.active) this.sendEvent(body);
    else this.pending.push(body);
  }

  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }

  /** The initial response is out: events flow from now on. */
  activate(): void {
    if (this.ended) return;
    this.active = true;
    for (const body of this.pending.splice(0)) this.sendEvent(body);
  }

  /** Ends the stream once; listeners (unsubscribe, forget a validation waiter) run here. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending.length = 0;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
