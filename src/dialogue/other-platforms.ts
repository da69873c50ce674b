import type { Lang } from '../contracts/index.js';

/** Another service's name as the user sees it, in each language. */
export type PlatformName = Readonly<Record<Lang, string>>;

// Services people mention when their account *there* is in trouble; this platform cannot help with them.
const PLATFORMS: readonly [RegExp, PlatformName][] = [
  [/\btwitter\b|推特/iu, { en: 'Twitter (X)', zh: '推特（X）' }],
  [/\bfacebook\b|\bfb\b|脸书/iu, { en: 'Facebook', zh: 'Facebook' }],
  [/\binstagram\b|\binsta\b|\big\b/iu, { en: 'Instagram', zh: 'Instagram' }],
  [/\btik ?tok\b|抖音/iu, { en: 'TikTok', zh: '抖音' }],
  [/\bwe ?chat\b|\bweixin\b|微信/iu, { en: 'WeChat', zh: '微信' }],
  [/\bqq\b/iu, { en: 'QQ', zh: 'QQ' }],
  [/\bweibo\b|微博/iu, { en: 'Weibo', zh: '微博' }],
  [/\bwhats ?app\b/iu, { en: 'WhatsApp', zh: 'WhatsApp' }],
  [/\bsnapchat\b/iu, { en: 'Snapchat', zh: 'Snapchat' }],
  [/\bdiscord\b/iu, { en: 'Discord', zh: 'Discord' }],
  [/\btelegram\b|电报|飞机号/iu, { en: 'Telegram', zh: 'Telegram' }],
  [/\bsteam\b/iu, { en: 'Steam', zh: 'Steam' }],
  [/\bpaypal\b/iu, { en: 'PayPal', zh: 'PayPal' }],
  [/\balipay\b|支付宝/iu, { en: 'Alipay', zh: '支付宝' }],
  [/\bbinance\b|币安/iu, { en: 'Binance', zh: '币安' }],
  [/\bcoinbase\b/iu, { en: 'Coinbase', zh: 'Coinbase' }],
  [/\bokx\b|欧易/iu, { en: 'OKX', zh: '欧易（OKX）' }],
  [/\bmeta ?mask\b|小狐狸/iu, { en: 'MetaMask', zh: 'MetaMask' }],
  [/\byoutube\b|油管/iu, { en: 'YouTube', zh: 'YouTube' }],
  [/\blinked ?in\b|领英/iu, { en: 'LinkedIn', zh: '领英' }],
  [/\breddit\b/iu, { en: 'Reddit', zh: 'Reddit' }],
];
// The user's account here: named, or the platform's own products.
const THIS_PLATFORM = /tokenim|token im|imtoken/iu;

/**
 * The other service a message is about ("my twitter got hacked" → Twitter), when it names one
 * and not this platform; such problems are neither tickets nor the bot's failures.
 */
export function otherPlatform(text: string): PlatformName | undefined {
  const plain = text.normalize('NFKC');
  if (THIS_PLATFORM.test(plain)) return undefined;
  return PLATFORMS.find(([pattern]) => pattern.test(plain))?.[1];
}
