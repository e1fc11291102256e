/**
 * Text analysis: tokenising, folding, stemming, stop words, and snippets/highlighting.
 */
export * from './analysis';
export * from './snippet';
export * from './stop-words';
export * from './surface-vocabulary';
