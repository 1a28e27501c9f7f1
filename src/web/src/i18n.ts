import type { Language } from '@contract/index.ts';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import fr from './locales/fr.json';

// Both catalogues must have exactly the same keys: these two assignments fail to compile otherwise.
const frCatalogue: typeof en = fr;
const enCatalogue: typeof fr = en;

const resources = {
  en: { translation: enCatalogue },
  fr: { translation: frCatalogue },
} as const;

export const supportedLanguages: readonly Language[] = ['fr', 'en'];
const storageKey = 'callport.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: (typeof resources)['en'];
  }
}

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

function readStoredLanguage(): Language | null {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return isLanguage(stored) ? stored : null;
  } catch {
    // Private browsing or storage disabled: fall back to the browser language.
    return null;
  }
}

/** The remembered choice first, then the browser language (French if it starts with "fr"). */
export function detectLanguage(): Language {
  const stored = readStoredLanguage();
  if (stored) return stored;
  const browser = (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase();
  return browser.startsWith('fr') ? 'fr' : 'en';
}

export function currentLanguage(): Language {
  return isLanguage(i18next.resolvedLanguage) ? i18next.resolvedLanguage : 'en';
}

/** Switches the UI language, remembers it on this browser and updates `<html lang>`. */
export async function applyLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Not remembered, but still applied.
  }
  if (i18next.resolvedLanguage !== language) await i18next.changeLanguage(language);
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

// Resources are bundled, so initialisation is synchronous: the first render is already translated.
void i18next.use(initReactI18next).init({
  initAsync: false,
  resources,
  lng: detectLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['fr', 'en'],
  interpolation: { escapeValue: false },
});
document.documentElement.lang = currentLanguage();

export default i18next;
