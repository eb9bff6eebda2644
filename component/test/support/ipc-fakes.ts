import { EventEmitter } from 'node:events';

/** A streaming operation double: emits what the test pushes, records activation and closing. */
export class FakeStream<Request> extends EventEmitter {
  closed = false;
  constructor(
    readonly request: Request,
    private readonly activation: Promise<unknown> = Promise.resolve({}),
  ) {
    super();
  }
  activate(): Promise<unknown> {
    return this.activation;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}
