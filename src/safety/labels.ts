/** What the words around a value call it: labels that decide whether a key-shaped string is a secret. */

/** Words naming a private key or secret ("private key", "pk", "私钥", "secret", "seed"). */
export const KEY_LABEL = /private[\s_-]*key|priv[\s_-]*key|secret[\s_-]*key|secret|\bpk\b|\bprv\b|\bwif\b|\bkey\b|\bseed\b|私钥|私鑰|密钥|密鑰|秘钥|秘鑰|种子|種子/gi;
/** Words putting a value in a transaction's context ("my deposit 0x…", "这笔转账 …"). */
const TX_LABEL =
  /\btx(?:id|n|hash)?\b|\bhash\b|\btransaction|\btransfer|\bdeposit|\bwithdraw|\bpayment|\bsignature|\bsent\b|\bblock\b|explorer|scan\b|交易|哈希|转账|轉帳|充值|提现|提現|提币|提幣|到账|到賬|区块|區塊|浏览器|瀏覽器|订单|訂單|签名|簽名/gi;
/** Words naming the value itself as a transaction's identifier (not just the topic). */
const TX_ID_LABEL = /\btx(?:id|n|hash)?\b|\bhash\b|transaction\s*(?:id|hash)|\bsignature|哈希|交易\s*(?:id|号|號|哈希)|签名|簽名/gi;
/** Words naming a public value: a public key or an address is not a secret ("PublicKey = …", "Aptos address 0x…"). */
const PUBLIC_LABEL = /public[\s_-]*key|pub[\s_-]*key|\baddress\b|公钥|公鑰|地址/gi;
/** Between a label and the value it names: punctuation, a copula, "id"/"of"... but no other words. */
const ADJACENT = /^[\s:：=#,，\-"'“(（]*(?:(?:id|no|number|is|was|of|here|below|是|为|為|如下|号|號)[\s:：=#,，\-"'“(（]*){0,3}$/i;
const LABEL_BEFORE = 60;
const LABEL_AFTER = 30;

/** The text between each match of `pattern` around [start, end) and the value. */
function gapsAround(text: string, start: number, end: number, pattern: RegExp): string[] {
  const before = text.slice(Math.max(0, start - LABEL_BEFORE), start);
  const after = text.slice(end, end + LABEL_AFTER);
  return [...[...before.matchAll(pattern)].map((m) => before.slice(m.index + m[0].length)), ...[...after.matchAll(pattern)].map((m) => after.slice(0, m.index))];
}

/** Some match of `pattern` near [start, end) names the value: nothing but punctuation or a copula between. */
export function namedBy(text: string, start: number, end: number, pattern: RegExp): boolean {
  return gapsAround(text, start, end, pattern).some((gap) => ADJACENT.test(gap));
}

/** Some match of `pattern` occurs within the label window around [start, end). */
export function mentionedNear(text: string, start: number, end: number, pattern: RegExp): boolean {
  return gapsAround(text, start, end, pattern).length > 0;
}

/**
 * What the words around a key-shaped string call it: `key`, `transaction`, both (`ambiguous`),
 * `public` (a public key or address, with no private key mentioned), or nothing. When a key is
 * mentioned too, only a transaction-ID label right next to the value ("tx hash: …", "交易哈希 …")
 * keeps it: a leaked key is worse than a hash asked for again.
 */
export function labelOf(text: string, start: number, end: number): 'key' | 'transaction' | 'ambiguous' | 'public' | undefined {
  // "public key" contains "key": blank public labels out before looking for private ones.
  const privateOnly = text.replace(PUBLIC_LABEL, (label) => ' '.repeat(label.length));
  const keys = gapsAround(privateOnly, start, end, KEY_LABEL);
  if (keys.length === 0) {
    if (namedBy(text, start, end, PUBLIC_LABEL)) return 'public';
    return mentionedNear(text, start, end, TX_LABEL) ? 'transaction' : undefined;
  }
  const txNamed = namedBy(text, start, end, TX_ID_LABEL);
  const keyNamed = keys.some((gap) => ADJACENT.test(gap));
  if (txNamed && !keyNamed) return 'transaction';
  if (keyNamed && !txNamed) return 'key';
  return mentionedNear(text, start, end, TX_LABEL) || txNamed ? 'ambiguous' : 'key';
}

/** Inside a link (an explorer's /tx/ page) or a data URI: the value is public, or not a key. */
export function insideUrl(text: string, start: number): boolean {
  const token = /\S*$/.exec(text.slice(0, start))![0];
  return /^[a-z][a-z0-9+.-]*:\/\/|^data:/i.test(token) || /(?:^|\/)(?:tx|txs|transaction|transactions|hash)\/$/i.test(token);
}
