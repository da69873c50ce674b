import type { Lang } from '../../../src/core/index.js';

/** The help centre's own words (page chrome), both languages side by side; the articles come from `data/faq.json`. */
export const TEXTS = {
  en: {
    siteName: 'Help Center',
    tagline: 'Answers to common questions about your account, deposits, withdrawals and security.',
    searchLabel: 'Search the help centre',
    searchPlaceholder: 'e.g. withdrawal not arrived',
    searchButton: 'Search',
    resultsFor: 'Results for',
    resultCount: (n: number) => (n === 1 ? '1 article' : `${n} articles`),
    noResults: 'No article matches',
    noResultsHint: 'Try other words, browse all topics, or ask us directly: our chat understands questions in your own words.',
    browseTopics: 'All topics',
    related: 'Related articles',
    alsoAsked: 'Also asked as',
    stillNeedHelp: 'Still need help?',
    chatPrompt: 'Our support chat answers right away, and a human agent can take over.',
    chatLink: 'Chat with us',
    notFoundTitle: 'Article not found',
    notFoundText: 'This article does not exist or has moved. Search for it, or browse the topics.',
    safety: 'Support will never ask for your seed phrase, private key or password.',
    switchTo: '中文',
    switchLang: 'zh',
  },
  zh: {
    siteName: '帮助中心',
    tagline: '账户、充值提现、交易和安全等常见问题的解答。',
    searchLabel: '搜索帮助中心',
    searchPlaceholder: '例如：提现没到账',
    searchButton: '搜索',
    resultsFor: '搜索结果：',
    resultCount: (n: number) => `${n} 篇文章`,
    noResults: '没有找到相关文章：',
    noResultsHint: '换个说法试试，浏览全部分类，或直接问我们：在线客服能看懂您自己的描述。',
    browseTopics: '全部分类',
    related: '相关文章',
    alsoAsked: '其他问法',
    stillNeedHelp: '仍需帮助？',
    chatPrompt: '在线客服即时回答，需要时可转人工客服。',
    chatLink: '在线咨询',
    notFoundTitle: '找不到该文章',
    notFoundText: '该文章不存在或已移动。可以搜索，或浏览全部分类。',
    safety: '客服绝不会向您索要助记词、私钥或密码。',
    switchTo: 'English',
    switchLang: 'en',
  },
} as const satisfies Record<Lang, Record<string, unknown>>;

/** The help centre's words in one language. */
export type Texts = (typeof TEXTS)[Lang];
