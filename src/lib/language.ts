import { franc } from 'franc-min';

export type CallLanguage = 'fr' | 'en';
const codes: Record<string, CallLanguage> = { fra: 'fr', eng: 'en' };

/**
 * The language a call was held in, French or English (the two Callport stems for search), from what
 * was said and written; `fallback` when there is too little text to tell.
 */
export function detectLanguage(texts: string[], fallback: CallLanguage): CallLanguage {
  // franc reads trigrams: a few thousand characters are plenty and keep a long call cheap.
  const sample = texts.join('\n').slice(0, 5000);
  return codes[franc(sample, { only: ['fra', 'eng'], minLength: 20 })] ?? fallback;
}
