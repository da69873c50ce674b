/**
 * Types for the deep imports of `natural` used by the NLU. Importing the
 * package root loads every module and storage back-end (~1 s, ~150 MB), so
 * the NLU imports single CommonJS files; these declarations reuse the
 * package's own types for them.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  import type { Stemmer } from 'natural';
  /** natural's Porter stemmer (English). */
  const PorterStemmer: Stemmer;
  export default PorterStemmer;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer.js' {
  import type { AggressiveTokenizer } from 'natural';
  /** natural's English word tokenizer: splits on anything but letters, digits, `'`, `-` and `/`. */
  const Tokenizer: typeof AggressiveTokenizer;
  export default Tokenizer;
}
