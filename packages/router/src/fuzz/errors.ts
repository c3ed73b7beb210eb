import { RouterError } from '../errors.js';

/**
 * Codes of the peer fuzzer's own errors. Usage problems are `ERR_FUZZ_USAGE` with the
 * offending option in `option`; a replay file that cannot be read or understood is
 * `ERR_FUZZ_REPLAY`; a target that never brings up the first session is `ERR_FUZZ_NO_SESSION`
 * (nothing can be fuzzed, and nothing can be concluded about it).
 */
export type FuzzErrorCode = 'ERR_FUZZ_USAGE' | 'ERR_FUZZ_REPLAY' | 'ERR_FUZZ_NO_SESSION';

export class FuzzError extends RouterError {
  declare readonly code: FuzzErrorCode;
  constructor(code: FuzzErrorCode, message: string) {
    super(code, message);
  }
}

export class FuzzUsageError extends FuzzError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('ERR_FUZZ_USAGE', message);
  }
}
