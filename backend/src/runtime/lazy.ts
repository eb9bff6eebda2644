/**
 * A handler built on its first invocation, so importing an entry module (to reach its factory)
 * does not read the environment.
 */
export function lazyHandler<A extends unknown[], R>(build: () => (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let built: ((...args: A) => Promise<R>) | undefined;
  return (...args) => {
    built ??= build();
    return built(...args);
  };
}
