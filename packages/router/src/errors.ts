import { BgpError } from '@evpn6/bgp';

/**
 * Every error @evpn6/router throws itself is a RouterError with a stable `code` string (it is a
 * BgpError too, so one `instanceof BgpError` catches errors from every evpn6 package). Match on
 * `code`, never on message text.
 */
export class RouterError extends BgpError {}
