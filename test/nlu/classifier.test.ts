import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntentClassifier, type LabelledText } from '../../src/nlu/classifier.js';
import { evaluateCsv, readLabelledCsv } from '../../src/nlu/evaluate.js';

const POLICY = { answerThreshold: 0.5, ambiguityMargin: 0.12 };

// A small bilingual set in the shape of intents/*.json: a few utterances per intent and language.
const UTTERANCES: Record<string, string[]> = {
  'account.forgot_password': [
    'I forgot my password',
    'how do I reset my password',
    'cannot remember my login password',
    'password reset link please',
    'I need to change my forgotten password',
    '忘记密码了',
    '怎么重置密码',
    '密码想不起来了',
    '找回登录密码',
    '重设密码怎么操作',
  ],
  'withdrawal.not_received': [
    'my withdrawal has not arrived',
    'withdrawal not received in my wallet',
    'I withdrew USDT yesterday and it is still missing',
    'where is my withdrawal',
    'withdrawn funds never showed up',
    '提现还没到账',
    '提币一直没收到',
    '我的提现去哪了',
    'USDT提现没到',
    '提现显示成功但是没收到',
  ],
  'smalltalk.greeting': ['hello', 'hi there', 'good morning', 'hey', 'hello, anyone there?', '你好', '您好', '早上好', '嗨', '在吗'],
  none: [
    'what is the weather tomorrow',
    'tell me a joke',
    'what is the price of bitcoin',
    'should I buy ETH now',
    'who won the football game',
    '明天天气怎么样',
    '讲个笑话',
    '比特币价格多少',
    '现在该买以太坊吗',
    '推荐一部电影',
  ],
};

const EXAMPLES: LabelledText[] = Object.entries(UTTERANCES).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));

describe('IntentClassifier', () => {
  const classifier = IntentClassifier.train(EXAMPLES);
  const top = (text: string) => classifier.predict(text, 1)[0];

  it('lists the trained labels, sorted', () => {
    expect(classifier.labels).toEqual(Object.keys(UTTERANCES).sort());
  });

  it.each([
    ['I cannot recall my password, can I reset it?', 'account.forgot_password'],
    ['my USDT withdrawal still has not arrived', 'withdrawal.not_received'],
    ['hi, good morning', 'smalltalk.greeting'],
    ['密码忘了怎么办', 'account.forgot_password'],
    ['提现三天了还没到账', 'withdrawal.not_received'],
    ['你好啊', 'smalltalk.greeting'],
  ])('recognises the unseen paraphrase %j', (text, label) => {
    expect(top(text)?.label).toBe(label);
  });

  it('assigns out-of-scope questions to none', () => {
    expect(top('will it rain tomorrow?')?.label).toBe('none');
    expect(top('以太坊价格多少')?.label).toBe('none');
  });

  it('returns ranked probabilities over all labels that sum to at most 1 (the rest is "unknown")', () => {
    const ranked = classifier.predict('forgot password');
    expect(ranked).toHaveLength(classifier.labels.length);
    const total = ranked.reduce((sum, p) => sum + p.confidence, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    const confidences = ranked.map((p) => p.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(classifier.predict('forgot password', 2)).toEqual(ranked.slice(0, 2));
  });

  it('is deterministic for the same examples and seed', () => {
    const again = IntentClassifier.train(EXAMPLES, { seed: 1 });
    for (const text of ['提现没到', 'reset password', 'hello']) {
      expect(again.predict(text)).toEqual(classifier.predict(text));
    }
  });

  it('gives empty and garbage input a low-confidence answer without throwing', () => {
    for (const text of ['', '   ', '😀😀😀', '!!!???', 'qwxzv jjkkp zzzq']) {
      const ranked = classifier.predict(text);
      expect(ranked).toHaveLength(classifier.labels.length);
      expect(ranked[0]!.confidence).toBeLessThan(0.6);
    }
  });

  it('gives a message whose words it has never seen less confidence than a familiar one', () => {
    const familiar = top('I forgot my password')!.confidence;
    for (const text of ['the lakers beat the celtics in overtime', '量子纠缠和黑洞蒸发']) {
      expect(top(text)!.confidence).toBeLessThan(familiar);
      expect(top(text)!.confidence).toBeLessThan(0.6);
    }
  });

  it('reads a follow-up together with the previous turn when given one', () => {
    const alone = classifier.predict('and that one?', 1)[0]!;
    const withContext = classifier.predict('and that one?', 1, { context: 'my withdrawal has not arrived' })[0]!;
    expect(withContext.label).toBe('withdrawal.not_received');
    expect(withContext.confidence).toBeGreaterThan(alone.label === 'withdrawal.not_received' ? alone.confidence : 0);
  });

  it('rejects training data with fewer than two labels, and out-of-range options', () => {
    expect(() => IntentClassifier.train([{ text: 'hello', label: 'greeting' }])).toThrow(/at least 2 labels/);
    expect(() => IntentClassifier.train(EXAMPLES, { temperature: 0 })).toThrow(/"temperature" must be a positive number/);
    expect(() => IntentClassifier.train(EXAMPLES, { seed: 1.5 })).toThrow(/"seed" must be an integer/);
  });
});

describe('evaluateCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlu-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const writeCsv = (name: string, rows: readonly LabelledText[], header = 'text,category') => {
    const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
    const path = join(dir, name);
    writeFileSync(path, [header, ...rows.map((r) => `${quote(r.text)},${quote(r.label)}`)].join('\n'));
    return path;
  };

  it('trains on one CSV, tests on another and reports accuracy, timing and memory', async () => {
    const train = writeCsv('train.csv', EXAMPLES);
    const test = writeCsv('test.csv', [
      { text: 'I forgot my password again, "help"', label: 'account.forgot_password' },
      { text: 'withdrawal not arrived,\nstill waiting', label: 'withdrawal.not_received' },
      { text: '你好', label: 'smalltalk.greeting' },
    ]);
    const report = await evaluateCsv(train, test, { policy: POLICY });
    expect(report).toMatchObject({ n: 3, accuracy: 1 });
    expect(Number.isFinite(report.trainMs)).toBe(true);
    expect(report.p95Us).toBeGreaterThanOrEqual(report.p50Us);
    expect(report.rssMb).toBeGreaterThan(0);
  });

  it('with out-of-scope rows, reports what the bot would do under its rules', async () => {
    const train = writeCsv('train-oos.csv', EXAMPLES);
    const rows = [
      { text: 'I forgot my password again', label: 'account.forgot_password' },
      { text: '提现三天了还没到账', label: 'withdrawal.not_received' },
      { text: 'will it rain tomorrow?', label: 'none' },
      { text: '以太坊价格多少', label: 'none' },
    ];
    const report = await evaluateCsv(train, writeCsv('test-oos.csv', rows), { policy: POLICY });
    const { answeredCorrect, clarified, oosRejected, oosAnswered, inScopeAccuracy, ece } = report;
    // Every one a share: a number from 0 to 1.
    for (const value of [answeredCorrect, clarified, oosRejected, oosAnswered, inScopeAccuracy, ece]) expect(value).toSatisfy((share: number) => share >= 0 && share <= 1);
    expect(answeredCorrect! + clarified!).toBeLessThanOrEqual(1);
    expect(oosRejected! + oosAnswered!).toBeLessThanOrEqual(1);
    expect(answeredCorrect).toBeLessThanOrEqual(inScopeAccuracy!);
    // A stricter policy never answers more.
    const strict = await evaluateCsv(train, writeCsv('test-oos.csv', rows), { policy: { answerThreshold: 0.99, ambiguityMargin: 0.9 } });
    expect(strict.answeredCorrect).toBeLessThanOrEqual(answeredCorrect!);
    expect(strict.oosAnswered).toBeLessThanOrEqual(oosAnswered!);
    expect(report.reliability).toBeUndefined();
  });

  it('adds a reliability table with --calibration, whose bins hold every row', async () => {
    const train = writeCsv('train-cal.csv', EXAMPLES);
    const test = writeCsv('test-cal.csv', EXAMPLES.slice(0, 12));
    const report = await evaluateCsv(train, test, { policy: POLICY, calibration: true });
    expect(report.reliability).toHaveLength(10);
    expect(report.reliability!.reduce((sum, bin) => sum + bin.count, 0)).toBe(12);
    expect(report.ece).toSatisfy((share: number) => share >= 0 && share <= 1);
    // No `none` rows: the decision fields stay out, as before.
    expect(report.answeredCorrect).toBeUndefined();
  });

  it('reads quoted fields with commas, quotes and newlines', async () => {
    const path = writeCsv('quoted.csv', [{ text: 'a, "b"\nc', label: 'x' }]);
    expect(await readLabelledCsv(path)).toEqual([{ text: 'a, "b"\nc', label: 'x' }]);
  });

  it('names the file and the missing column', async () => {
    const path = writeCsv('bad.csv', EXAMPLES, 'text,intent');
    await expect(evaluateCsv(path, path, { policy: POLICY })).rejects.toThrow(`CSV file ${path} is missing column(s) "category"`);
  });

  it('names a file that does not exist', async () => {
    const missing = join(dir, 'nope.csv');
    await expect(readLabelledCsv(missing)).rejects.toThrow(`Cannot read CSV file ${missing}`);
  });
});
