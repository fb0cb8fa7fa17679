/**
 * Imported first by a variant suite: the localcloud it starts lags like AWS (reads miss resources made
 * less than this long ago and still see ones removed as recently; see localcloud/consistency.ts). Each
 * test file runs in a process of its own (vitest forks), so the setting stays in the variant.
 */
export const EVENTUAL_CONSISTENCY_MS = 400;
process.env.LOCALCLOUD_EVENTUAL_CONSISTENCY_MS = String(EVENTUAL_CONSISTENCY_MS);
