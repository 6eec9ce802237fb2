/**
 * One root error with a stable code. Channels map codes to a calm user message in one
 * place; the original cause is kept for the operator's log, never shown to a user.
 */
export type ErrorCode =
  | 'input_empty'
  | 'input_binary'
  | 'input_invalid'
  | 'no_customer_text'
  | 'content_invalid'
  | 'config_invalid'
  | 'case_not_found'
  | 'store_unavailable'
  | 'store_corrupt'
  | 'store_too_new'
  | 'analyser_unavailable'
  | 'rate_limited'
  | 'internal';

export class DefuseError extends Error {
  readonly code: ErrorCode;
  /** Safe to show to the agent: says what to do, contains no customer text or stack. */
  readonly userMessage: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; userMessage?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DefuseError';
    this.code = code;
    this.userMessage = options?.userMessage ?? message;
  }
}

/** Bad input from an agent: a clear message, never a crash. */
export class InputError extends DefuseError {
  constructor(code: 'input_empty' | 'input_binary' | 'input_invalid' | 'no_customer_text', message: string) {
    super(code, message);
    this.name = 'InputError';
  }
}

/** A file under prompts/ that does not validate: names the file and the field. */
export class ContentError extends DefuseError {
  readonly file: string;
  constructor(file: string, problems: string[]) {
    super('content_invalid', `${file}: ${problems.join('; ')}`);
    this.name = 'ContentError';
    this.file = file;
  }
}

/**
 * Durable state that cannot be used as it is: a row that does not read, a schema newer
 * than this code. The message names what is wrong and what to do; nothing is reset.
 */
export class StoreError extends DefuseError {
  constructor(code: 'store_unavailable' | 'store_corrupt' | 'store_too_new', message: string, cause?: unknown) {
    super(code, message, {
      cause,
      userMessage: "Defuse can't reach its case memory right now, so nothing was saved. Send that message again in a moment.",
    });
    this.name = 'StoreError';
  }
}
