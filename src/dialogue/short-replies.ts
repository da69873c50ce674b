/**
 * Short replies read in the context of the bot's last question: "yes" / "不是" after "Did this
 * help?", "取消" or "not sure" during the hand-off questions, "not solved" after a resolution.
 * Each list holds both languages and the common variants; matching is on the whole message.
 */
import { say } from '../contracts/index.js';

/** Lower case, full-width folded, surrounding punctuation and emoji removed: "Yes 👍!" → "yes". */
export function plainWords(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim();
}

const oneOf = (...words: string[]) => new RegExp(`^(?:${words.join('|')})$`, 'u');

const YES = oneOf(
  'y',
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'sure',
  'ok',
  'okay',
  'k',
  'correct',
  'right',
  'indeed',
  'of course',
  'yes please',
  'yes thanks',
  'yes thank you',
  'it did',
  'it helped',
  'that helped',
  'helpful',
  'very helpful',
  'solved',
  'it worked',
  'works',
  '是',
  '是的',
  '是啊',
  '对',
  '对的',
  '对啊',
  '嗯',
  '嗯嗯',
  '好',
  '好的',
  '好啊',
  '可以',
  '行',
  '要',
  '需要',
  '没错',
  '当然',
  '有',
  '有帮助',
  '有用',
  '有帮助谢谢',
  '帮到了',
  '解决了',
  '已解决',
  '有的',
);
const NO = oneOf(
  'n',
  'no',
  'nope',
  'nah',
  'no thanks',
  'no thank you',
  'not really',
  'not at all',
  'no it did not',
  "no it didn't",
  "it didn't",
  'it did not',
  "didn't help",
  'did not help',
  'not helpful',
  'unhelpful',
  'useless',
  "doesn't help",
  "that didn't help",
  'no need',
  '不',
  '不是',
  '不是的',
  '否',
  '没有',
  '没',
  '没有帮助',
  '没帮助',
  '没用',
  '没什么用',
  '没啥用',
  '不行',
  '不对',
  '不要',
  '不需要',
  '不用',
  '不用了',
  '没帮到',
);
const CANCEL = oneOf(
  'cancel',
  'stop',
  'quit',
  'exit',
  'abort',
  'never mind',
  'nevermind',
  'forget it',
  'cancel it',
  'cancel please',
  'please cancel',
  '取消',
  '算了',
  '不用了',
  '不要了',
  '不弄了',
  '退出',
  '停止',
  '取消吧',
  '算了吧',
  '不需要了',
);
const DONT_KNOW = oneOf(
  'skip',
  'pass',
  'n a',
  'na',
  'none',
  'no',
  'nope',
  'nothing',
  'no error',
  'not sure',
  "i'm not sure",
  'im not sure',
  'unsure',
  'dunno',
  'idk',
  "don't know",
  'dont know',
  "i don't know",
  'i dont know',
  'i do not know',
  'no idea',
  'i have no idea',
  "can't remember",
  'cant remember',
  "i can't remember",
  "don't remember",
  "i don't remember",
  'i dont remember',
  'forgot',
  'i forgot',
  'not applicable',
  '跳过',
  '跳過',
  '略过',
  '没有',
  '沒有',
  '无',
  '無',
  '不知道',
  '不清楚',
  '不确定',
  '不记得',
  '不记得了',
  '我不记得了',
  '记不清',
  '记不清了',
  '忘了',
  '忘记了',
  '我忘了',
  '不晓得',
  '我不知道',
  '我不清楚',
  '没看到',
  '没有报错',
  '没报错',
);
/** The buttons' own labels, typed instead of pressed. */
const LABELS = {
  yes: labels('button.yes'),
  no: new Set([...labels('button.no'), ...labels('button.noThanks')]),
  cancel: labels('button.cancel'),
};

function labels(key: 'button.yes' | 'button.no' | 'button.noThanks' | 'button.cancel'): Set<string> {
  return new Set([plainWords(say('en', key)), plainWords(say('zh', key))]);
}

const NOT_SOLVED =
  /\b(?:not (?:yet )?(?:solved|fixed|resolved|working)|(?:still|is) (?:not|n't) (?:solved|fixed|resolved|working)|(?:did not|didn't|does not|doesn't) (?:work|help|fix)|still (?:broken|the same|a problem|having (?:the|this) (?:problem|issue))|(?:it's|its|it is) not (?:solved|fixed))\b|(?:还没|没有?|未)(?:有)?(?:解决|好|修复|处理好)|还是不行|依然不行|仍然不行|还是一样|问题还在/u;
const CHIT_CHAT = oneOf(
  'ok',
  'okay',
  'k',
  'kk',
  'ok thanks',
  'okay thanks',
  'cool',
  'nice',
  'great',
  'got it',
  'i see',
  'alright',
  'fine',
  'lol',
  'haha',
  'hahaha',
  'hmm',
  'hm',
  'oh',
  'ah',
  'wow',
  '好',
  '好的',
  '好吧',
  '嗯',
  '嗯嗯',
  '哦',
  '噢',
  '喔',
  '哈哈',
  '哈哈哈',
  '呵呵',
  '收到',
  '知道了',
  '明白',
  '明白了',
  '了解',
  '行',
  '行吧',
  '懂了',
  '原来如此',
);

/** "yes" / "no" in either language (also the feedback buttons' own labels), or undefined for anything else. */
export function readYesNo(text: string): 'yes' | 'no' | undefined {
  if (/^\s*👍/u.test(text)) return 'yes';
  if (/^\s*👎/u.test(text)) return 'no';
  const words = plainWords(text);
  if (YES.test(words) || LABELS.yes.has(words)) return 'yes';
  if (NO.test(words) || LABELS.no.has(words)) return 'no';
  return undefined;
}

/** A typed cancel ("取消", "算了", "cancel", the cancel button's own label). */
export function isCancel(text: string): boolean {
  const words = plainWords(text);
  return CANCEL.test(words) || LABELS.cancel.has(words);
}

/** "Skip" or a way of saying "I don't know" ("not sure", "我不记得了", "不知道"). */
export function isDontKnow(text: string): boolean {
  return DONT_KNOW.test(plainWords(text));
}

/** The user says the problem is not solved ("not solved", "问题其实还没解决", "still not working"). */
export function saysNotSolved(text: string): boolean {
  const words = plainWords(text);
  return NOT_SOLVED.test(words) || NOT_SOLVED.test(text.normalize('NFKC').toLowerCase());
}

/** An acknowledgement or a laugh ("ok", "好的", "哈哈"): neither a question nor a miss. */
export function isChitChat(text: string): boolean {
  return CHIT_CHAT.test(plainWords(text));
}

/** A waiting user asking when someone comes ("客服什么时候来", "how long", "anyone?"). */
export function asksAboutWaiting(text: string): boolean {
  return /什么时候|多久|还要等|怎么还没|有人吗|人呢|在吗|进展|有消息吗|how long|when will|when is|anyone there|anybody there|still waiting|any news|any update/u.test(
    text.normalize('NFKC').toLowerCase(),
  );
}
