/**
 * Hand-made UPDATE bodies (after the 19-byte header), each built field by field and checked
 * by hand; the comments give every field. Addresses are documentation ranges only.
 */

/** IPv4 unicast on a 2-octet-AS session with every attribute we decode, plus two unknown ones. */
export const IPV4_EVERY_ATTRIBUTE = {
  withdrawn: '0004' + '18c63364', // 198.51.100.0/24
  attributes: [
    '0099', // total path attribute length 153
    '40010100', // ORIGIN IGP
    '40020a' + '0202' + '5ba0fbf5' + '0101' + 'fbfe', // AS_PATH {SEQ 23456 64501} {SET 64510}
    '400304' + 'c0000201', // NEXT_HOP 192.0.2.1
    '800404' + '00000032', // MULTI_EXIT_DISC 50
    '400504' + '000000c8', // LOCAL_PREF 200
    '400600', // ATOMIC_AGGREGATE
    'c00706' + '5ba0' + 'c0000202', // AGGREGATOR AS_TRANS 192.0.2.2
    'c00808' + 'fbf40064' + 'ffffff01', // COMMUNITIES 64500:100 NO_EXPORT
    '800904' + 'c0000209', // ORIGINATOR_ID 192.0.2.9
    '800a08' + 'c0000201' + 'c0000202', // CLUSTER_LIST 192.0.2.1 192.0.2.2
    'c01008' + '0002fbf400000064', // EXTENDED_COMMUNITIES RT 64500:100
    'c0110a' + '0202' + '00010000' + '0000fbf5', // AS4_PATH {SEQ 65536 64501}
    'c01208' + '00010000' + 'c0000202', // AS4_AGGREGATOR 65536 192.0.2.2
    'c01609' + '00' + '06' + '002936' + 'c0000201', // PMSI_TUNNEL ingress replication, label 10550, 192.0.2.1
    'c0200c' + '0000fbf4' + '00000001' + '00000002', // LARGE_COMMUNITY 64500:1:2
    'c0f003' + 'aabbcc', // unknown optional transitive type 240
    'd0f10002' + '1234', // unknown type 241, extended length on a 2-byte value
  ].join(''),
  nlri: '19c0000280', // 192.0.2.128/25
};
export const IPV4_EVERY_ATTRIBUTE_HEX = IPV4_EVERY_ATTRIBUTE.withdrawn + IPV4_EVERY_ATTRIBUTE.attributes + IPV4_EVERY_ATTRIBUTE.nlri;

/**
 * IPv6 unicast on a 4-octet-AS session with ADD-PATH on for IPv6 unicast: MP_UNREACH and
 * MP_REACH (32-byte next hop: global + link-local, extended length on a 61-byte value).
 */
export const IPV6_ADDPATH_HEX = [
  '0000', // no withdrawn routes
  '0068', // total path attribute length 104
  '800f0c' + '000201' + '00000001' + '2020010db8', // MP_UNREACH IPv6 unicast: path 1 2001:db8::/32
  '40010102', // ORIGIN INCOMPLETE
  '40020a' + '0202' + '0000fbf4' + '00010000', // AS_PATH {SEQ 64500 65536}, 4-octet
  '900e003d' + '000201' + '20' + '20010db8000000000000000000000001' + 'fe800000000000000000000000000001' + '00' +
    '00000007' + '30' + '20010db80001' + // path 7 2001:db8:1::/48
    '00000008' + '40' + '20010db800020000', // path 8 2001:db8:2::/64
  '400504' + '00000064', // LOCAL_PREF 100
].join('');

/** IPv4 unicast with ADD-PATH in both body fields. */
export const IPV4_ADDPATH = {
  head: '0008' + '00000005' + '18c63364' + // withdrawn: path 5 198.51.100.0/24
    '000e' + '40010100' + '400200' + '400304c0000201', // ORIGIN IGP, empty AS_PATH, NEXT_HOP 192.0.2.1
  nlri: ['00000001' + '19c0000280', '00000002' + '20c0000201'], // path 1 192.0.2.128/25, path 2 192.0.2.1/32
};
export const IPV4_ADDPATH_HEX = IPV4_ADDPATH.head + IPV4_ADDPATH.nlri.join('');

/** End-of-RIB markers (RFC 4724 §2). */
export const EOR_IPV4_HEX = '00000000';
export const EOR_IPV6_HEX = '0000' + '0006' + '800f03' + '000201';
export const EOR_EVPN_HEX = '0000' + '0006' + '800f03' + '001946';
