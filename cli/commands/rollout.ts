import { type Command, InvalidArgumentError, Option } from 'commander';
import { contextOf } from '../context.js';
import { followRollout } from '../follow-rollout.js';
import { type RolloutView, rolloutText } from '../rollout-view.js';
import { age, table } from '../table.js';

const path = (id: string, rest = '') => `/v1/rollouts/${encodeURIComponent(id)}${rest}`;

function wholeNumber(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

interface StartOptions {
  image: string;
  canary: number;
  batchSize: number;
  maxFailures: number;
  pauseBetweenMs: number;
  follow?: boolean;
}

export function registerRollout(program: Command): void {
  const rollout = program
    .command('rollout')
    .description('roll a new gateway image across every running instance; follow, pause, resume, abort');

  rollout
    .command('start')
    .description('start a rollout (canary first, then batches, each gated on health)')
    .addOption(new Option('--image <image>', 'gateway image, pinned by tag or digest').makeOptionMandatory())
    .option(
      '--canary <n>',
      'instances in the first batch (1-100); any failure there stops it',
      wholeNumber(1, 100),
      1,
    )
    .option('--batch-size <n>', 'instances per later batch (1-500)', wholeNumber(1, 500), 5)
    .option('--max-failures <n>', 'failures tolerated after the canary', wholeNumber(0, 10_000), 0)
    .option('--pause-between-ms <ms>', 'wait between batches', wholeNumber(0, 3_600_000), 0)
    .option('-f, --follow', 'then follow it to the end (exit 1 if it fails or is aborted)')
    .action(async (opts: StartOptions, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { follow, ...request } = opts;
      const { body } = await api.request<RolloutView>('POST', '/v1/rollouts', request);
      if (follow) {
        out.note(`rollout ${body.id} started`);
        await followRollout(api, out, body.id);
        return;
      }
      out.result(
        body,
        () =>
          `rollout ${body.id} started: ${body.image}\nfollow it: openclaw-fleet rollout status ${body.id} --follow`,
      );
    });

  rollout
    .command('list')
    .description('the latest rollouts, newest first')
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<{ items: RolloutView[] }>('GET', '/v1/rollouts');
      out.result(body.items, () =>
        body.items.length === 0
          ? 'No rollouts.'
          : table(
              ['id', 'image', 'state', 'healthy', 'failed', 'age'],
              body.items.map((r) => [
                r.id,
                r.image,
                r.state,
                `${r.totals.healthy}/${r.totals.instances}`,
                r.totals.failures,
                age(r.createdAt),
              ]),
            ),
      );
    });

  rollout
    .command('status <id>')
    .description("a rollout's progress per batch; with --follow, live until it ends")
    .option('-f, --follow', 'stream progress (a bar on a terminal); exit 1 if it fails or is aborted')
    .action(async (id: string, opts: { follow?: boolean }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      if (opts.follow) {
        await followRollout(api, out, id);
        return;
      }
      const { body } = await api.request<RolloutView>('GET', path(id));
      out.result(body, () => rolloutText(body));
    });

  registerControls(rollout);
}

/** pause, resume, abort: each asks the API, which the worker reads between two instances. */
function registerControls(rollout: Command): void {
  const controls = {
    pause: 'pause after the instance being updated',
    resume: 'resume a paused rollout',
    abort: 'stop and roll back every instance it changed',
  } as const;
  for (const [action, description] of Object.entries(controls)) {
    rollout
      .command(`${action} <id>`)
      .description(description)
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<RolloutView>('POST', path(id, `/${action}`));
        out.result(body, () => `rollout ${body.id}: ${action} asked (state ${body.state})`);
      });
  }
}
