/** The moves docs/api.md allows ("A bomb's lifecycle"), written out by hand so tests do not trust the code's own table. */
export const ALLOWED_MOVES = new Set([
  'open>claimed',
  'claimed>waiting',
  'claimed>resolved',
  'claimed>open',
  'waiting>claimed',
  'waiting>resolved',
  'resolved>closed',
  'resolved>open',
  'closed>open',
]);
