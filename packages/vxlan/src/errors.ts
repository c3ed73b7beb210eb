/**
 * Every error @evpn6/vxlan throws is a VxlanError with a stable `code` string. Match on `code`
 * (or `instanceof`), never on message text. The decapsulation path does not throw at all on
 * bad packets: it returns a typed drop reason (see drop.ts); errors are for codec misuse,
 * header decoding through the codecs, and configuration.
 */
export class VxlanError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Stable codes of every VxlanError. */
export const VxlanErrorCode = {
  truncated: 'ERR_VXLAN_TRUNCATED',
  malformed: 'ERR_VXLAN_MALFORMED',
  value: 'ERR_VXLAN_BAD_VALUE',
  encode: 'ERR_VXLAN_ENCODE',
  tooBig: 'ERR_VXLAN_TOO_BIG',
  config: 'ERR_VXLAN_CONFIG',
  address: 'ERR_VXLAN_ADDRESS',
} as const;
export type VxlanErrorCode = (typeof VxlanErrorCode)[keyof typeof VxlanErrorCode];

/** Bytes a header codec cannot decode; `offset`/`field` point at the problem. */
export class VxlanDecodeError extends VxlanError {
  readonly offset: number;
  readonly field: string;
  constructor(code: VxlanErrorCode, field: string, offset: number, detail?: string) {
    super(code, `${field} at offset ${offset}: ${detail ?? code}`);
    this.offset = offset;
    this.field = field;
  }
}

/** A value that cannot be put on the wire (out of range, buffer too small, packet too big). */
export class VxlanEncodeError extends VxlanError {
  readonly field: string;
  constructor(field: string, detail: string, code: VxlanErrorCode = VxlanErrorCode.encode) {
    super(code, `cannot encode ${field}: ${detail}`);
    this.field = field;
  }
}

/** Options that cannot work together (an MTU below the IPv6 minimum, a limit below another). */
export class VxlanConfigError extends VxlanError {
  constructor(option: string, detail: string) {
    super(VxlanErrorCode.config, `${option}: ${detail}`);
  }
}
