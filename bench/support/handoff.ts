import type { Pipeline } from './pipeline.js';

/**
 * Figure 2 ends with N running instances, exactly what figure 6 needs to delete: when figure 6 will
 * run, figure 2 hands its pipeline over instead of closing it, and the bench saves N creates per run.
 */
export interface RunningFleet {
  pipeline: Pipeline;
  ids: string[];
}

const fleets: RunningFleet[] = [];
export const handoff = {
  wanted: false,
  give(fleet: RunningFleet): void {
    fleets.push(fleet);
  },
  take(): RunningFleet | undefined {
    return fleets.shift();
  },
  async closeAll(): Promise<void> {
    for (const f of fleets.splice(0)) await f.pipeline.close();
  },
};
