/**
 * Text normalisation shared by language detection and feature extraction, so
 * that "ＢＴＣ提現？？", "btc 提现" and "@SupportBot BTC提现 😭" all look alike.
 */

// The most frequent Traditional characters in wallet-support questions, paired
// position by position with their Simplified forms. A full OpenCC table has
// ~10k entries; these ~230 cover the domain vocabulary (account, password,
// withdrawal, transfer, security, support) at no cost.
const TRADITIONAL =
  '帳賬戶號碼錢幣轉現額餘費買賣價匯儲領資產錄鎖凍結驗證認設鑰詞憑據數歷記憶問題時間為們這個麼來說請謝處幫聯繫係與開關會還沒對發電郵網絡區塊鏈礦維護務應該嗎誰後從過經盜駭竊異狀態審確詢諮論壇級別機構當筆單圖舉報訊實際簡體長見讓給囉無導線專員隊團樣啟動顯卻進選項頭遲錯誤頁戲幾週鐘將門覺變難雙齊嚴險擊騙詐損補償絕紀義擬衛壞復傳寫讀聽語愛標準訂閱鑑賺氣車東風熱萬億歲華國內兩決讚贊裡裏於極術續負擔貨鏡陽錶臺灣優紅禮辦綁貼換兌顧響權離視頻壓隨總稱觀歡鑽緊刪饋鐵盤紹歸屬擁倉終';
const SIMPLIFIED =
  '账账户号码钱币转现额余费买卖价汇储领资产录锁冻结验证认设钥词凭据数历记忆问题时间为们这个么来说请谢处帮联系系与开关会还没对发电邮网络区块链矿维护务应该吗谁后从过经盗骇窃异状态审确询咨论坛级别机构当笔单图举报讯实际简体长见让给啰无导线专员队团样启动显却进选项头迟错误页戏几周钟将门觉变难双齐严险击骗诈损补偿绝纪义拟卫坏复传写读听语爱标准订阅鉴赚气车东风热万亿岁华国内两决赞赞里里于极术续负担货镜阳表台湾优红礼办绑贴换兑顾响权离视频压随总称观欢钻紧删馈铁盘绍归属拥仓终';
// Both strings are BMP-only, so code-unit indexing pairs them correctly.
const T2S = new Map(Array.from(TRADITIONAL, (ch, i) => [ch, SIMPLIFIED.charAt(i)] as const));

// Discord user/role/channel mentions and custom emoji: <@123>, <@!123>, <@&123>, <#123>, <a:name:123>.
const DISCORD_TOKEN = /<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>/g;
// Printable ASCII only, so a URL glued to Chinese text ("https://x.io/a看一下") keeps the Chinese.
const WEB_LINK = /\b(?:https?:\/\/|www\.)[\x21-\x7e]+/g;
// The lookbehind makes matches start only at the beginning of a token: without
// it a long run of letters costs quadratic time.
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// Telegram @username / @botname mentions, also in commands ("/start@MyBot"); usernames
// are 5-32 characters, 3+ is accepted to be lenient. E-mail addresses are removed before this.
const AT_MENTION = /@\w{3,32}/g;
// Apostrophes are deleted rather than spaced so "can't" -> "cant" and "card's" -> "cards" stay one token.
const APOSTROPHE = /['\u2018\u2019\u02bc`]/g;
// Accents on Latin letters ("café", "naïve") are dropped so they match the unaccented spelling.
const LATIN_DIACRITIC = /(?<=\p{Script=Latin})\p{M}+/gu;
// Everything that is not a letter (Latin, CJK, ...) or a digit is a separator; this also drops emoji.
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/**
 * Normalises a user message for matching: NFKC (full-width → half-width),
 * Latin accents dropped, lower case, common Traditional → Simplified
 * characters; Discord and Telegram mentions, URLs, e-mail addresses, emoji and
 * punctuation removed; whitespace collapsed to single spaces. Letters
 * (including CJK) and digits are kept.
 *
 * @example normalizeText('<@123> ＨＥＬＬＯ!! 帳戶被鎖了 😭') // 'hello 账户被锁了'
 */
export function normalizeText(text: string): string {
  const cached = recent.get(text);
  if (cached !== undefined) return cached;
  const normalized = normalize(text);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(text, normalized);
  return normalized;
}

/**
 * The last few texts normalised: one turn normalises the same words many times (language,
 * classifier, clauses, FAQ search). Small on purpose: it serves a turn, not a corpus.
 */
const RECENT_LIMIT = 16;
const recent = new Map<string, string>();

function normalize(text: string): string {
  const stripped = text
    .normalize('NFKD')
    .replace(LATIN_DIACRITIC, '')
    .normalize('NFKC')
    .replace(DISCORD_TOKEN, ' ')
    .replace(WEB_LINK, ' ')
    .replace(EMAIL, ' ')
    .replace(AT_MENTION, ' ')
    .toLowerCase()
    .replace(APOSTROPHE, '')
    .replace(NON_WORD, ' ')
    .trim();
  let out = '';
  for (const ch of stripped) out += T2S.get(ch) ?? ch;
  return out;
}
