import type { Queue } from 'bullmq';
import { instanceIdOfJob, jobIds } from '../../shared/job-catalog.js';

/** States in which a job will still run: waiting, running, or delayed (a placement poll, a backoff). */
const LIVE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Instance ids with a live job in the `instances` queue, read in one call (job ids only, no job data):
 * ids are `create-<id>-<seq>` and `delete-<id>` (shared/job-catalog.ts).
 */
export async function instancesWithLiveJobs(queue: Queue): Promise<Set<string>> {
  const ids = await queue.getRanges([...LIVE_STATES], 0, -1);
  const live = new Set<string>();
  for (const jobId of ids) {
    const instanceId = instanceIdOfJob(jobId);
    if (instanceId) live.add(instanceId);
  }
  return live;
}

/** Right before acting: is the instance's latest create job, or its delete job, still live? */
export async function hasLiveJob(queue: Queue, instanceId: string, createSequence: number): Promise<boolean> {
  const candidates = [jobIds.delete(instanceId), jobIds.create(instanceId, createSequence)];
  for (const id of candidates) {
    const state = await queue.getJobState(id);
    if ((LIVE_STATES as readonly string[]).includes(state)) return true;
  }
  return false;
}
