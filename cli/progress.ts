export interface StepView {
  id: string;
  state: string;
}

const WIDTH = 24;

/** `[########----------------] 3/9 service` for a TTY line; done counts steps in state `done`. */
export function progressBar(steps: readonly StepView[], status: string, current: string | null): string {
  const done = steps.filter((s) => s.state === 'done').length;
  const total = Math.max(steps.length, 1);
  const filled = Math.round((done / total) * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${done}/${total} ${status}${current ? ` (${current})` : ''}`;
}
