/** What a replay came to: through the acceptance path (published once), or refused again and why. */
export type ReplayOutcome =
  | { result: 'accepted' }
  | { result: 'refused'; status: number; errorCode: number; reason: string };
