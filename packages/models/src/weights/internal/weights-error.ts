import { FpdbError, type FpdbErrorDetails } from '@fpdb/schema';

/** The next step every FPDB_WEIGHTS_FORMAT message ends with. */
export const WEIGHTS_HINT = 'Pass a .safetensors file from the Hugging Face hub, or a torchvision .pth saved with torch.save(model.state_dict(), path).';

/** `name` as messages show it. */
export function fileLabel(name: string | undefined): string {
  return name === undefined || name === '' ? 'the weights file' : name;
}

/**
 * FPDB_WEIGHTS_FORMAT for `name`: `problem` says what was found and what was expected; `next`
 * (default {@link WEIGHTS_HINT}) says what to do.
 */
export function weightsFormatError(name: string | undefined, problem: string, options: { next?: string; details?: FpdbErrorDetails; cause?: unknown } = {}): FpdbError {
  const message = `${fileLabel(name)} cannot be read as weights: ${problem} ${options.next ?? WEIGHTS_HINT}`;
  return new FpdbError('FPDB_WEIGHTS_FORMAT', message, {
    details: { ...(name === undefined ? {} : { file: name }), ...options.details },
    cause: options.cause,
  });
}
