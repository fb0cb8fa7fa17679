import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/** Fetches a challenge from the app and solves it as the widget would, returning the widget's payload. */
export async function solvePow(fetchChallenge: () => Promise<Response>): Promise<string> {
  const challenge = await (await fetchChallenge()).json();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the proof-of-work challenge was not solved');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}
