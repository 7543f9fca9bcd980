/**
 * The shell every stuck-work sweeper shares (stuck runs, stuck imports): the
 * cron finds at most `batchSize` items untouched since `staleBefore`, oldest
 * first, and handles each on its own. A handler claims its item with the same
 * staleness condition in its write, so two overlapping sweeps act on an item
 * once; it answers what it did, or null when another sweep got there first.
 * The bound keeps each pass a short, predictable amount of work however much
 * is stuck; the next pass takes the rest.
 */
export interface StaleSweep<Item, Outcome extends string> {
  now: Date;
  staleAfterMs: number;
  batchSize: number;
  /** At most `limit` items untouched since `staleBefore` (an ISO timestamp), oldest first. */
  findStale: (staleBefore: string, limit: number) => Promise<Item[]>;
  handle: (item: Item, staleBefore: string) => Promise<Outcome | null>;
}

/** The items handled, by what was done with them. */
export async function sweepStale<Item, Outcome extends string>(sweep: StaleSweep<Item, Outcome>): Promise<Map<Outcome, Item[]>> {
  const staleBefore = new Date(sweep.now.getTime() - sweep.staleAfterMs).toISOString();
  const handled = new Map<Outcome, Item[]>();
  for (const item of await sweep.findStale(staleBefore, sweep.batchSize)) {
    const outcome = await sweep.handle(item, staleBefore);
    if (outcome !== null) handled.set(outcome, [...(handled.get(outcome) ?? []), item]);
  }
  return handled;
}
