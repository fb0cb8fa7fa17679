/**
 * An error the emulated service returns on the wire. `code` is what AWS puts in `__type` (JSON)
 * or `<Code>` (query); the SDK maps it to its exception class.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }

  /** AWS puts server-side faults under `Receiver`, caller mistakes under `Sender`. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export const awsError = (code: string, message: string, status = 400): AwsError =>
  new AwsError(code, message, status);
