// Fails every invocation with an error of its own type.
class RotationError extends Error {
  name = 'RotationError';
}

export const handler = async (event) => {
  console.error(JSON.stringify({ level: 'ERROR', message: 'failing', attempt: event.attempt ?? null }));
  throw new RotationError(`cannot rotate ${event.thingName ?? 'anything'}`);
};
