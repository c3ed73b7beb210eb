/**
 * Every error @evpn6/bgp throws is a BgpError with a stable `code` string. Match on `code`
 * (or `instanceof`), never on message text: messages are for people and may change.
 */
export class BgpError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Bytes that cannot be decoded: `offset` is where in the buffer the problem was found
 * and `field` names what was being read, so a caller can point at the exact byte.
 */
export class DecodeError extends BgpError {
  readonly offset: number;
  readonly field: string;
  constructor(code: string, field: string, offset: number, detail?: string) {
    super(code, `${field} at offset ${offset}: ${detail ?? code}`);
    this.offset = offset;
    this.field = field;
  }
}

/** A value that cannot be put on the wire (out of range, too long, unknown family). */
export class EncodeError extends BgpError {
  readonly field: string;
  constructor(field: string, detail: string) {
    super('ERR_BGP_ENCODE', `cannot encode ${field}: ${detail}`);
    this.field = field;
  }
}

/**
 * A problem that RFC 4271 §6 answers with a NOTIFICATION: the session must send
 * (errorCode, errorSubcode, data) and close. Only these end a session.
 */
export class NotificationError extends BgpError {
  readonly errorCode: number;
  readonly errorSubcode: number;
  readonly data: Uint8Array;
  constructor(errorCode: number, errorSubcode: number, data: Uint8Array = new Uint8Array(0), detail?: string) {
    super('ERR_BGP_NOTIFICATION', `NOTIFICATION ${errorCode}/${errorSubcode}${detail ? `: ${detail}` : ''}`);
    this.errorCode = errorCode;
    this.errorSubcode = errorSubcode;
    this.data = data;
  }
}

/** Stable codes of DecodeError. */
export const DecodeErrorCode = {
  truncated: 'ERR_BGP_TRUNCATED',
  malformed: 'ERR_BGP_MALFORMED',
  length: 'ERR_BGP_BAD_LENGTH',
  value: 'ERR_BGP_BAD_VALUE',
} as const;
