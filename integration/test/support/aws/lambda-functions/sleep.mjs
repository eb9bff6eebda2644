// Takes as long as it is told to.
export const handler = async (event) => {
  console.log(JSON.stringify({ level: 'INFO', message: 'sleeping', ms: event.ms }));
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return 'woke';
};
