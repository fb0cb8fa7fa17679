import type { Cloud } from '../cloud.js';
import type { Params } from '../input.js';

/** An operation: reads parameters, mutates the cloud, returns the output structure (or throws AwsError). */
export type Handler = (cloud: Cloud, input: Params) => Record<string, unknown> | undefined;
export type HandlerMap = Record<string, Handler>;
