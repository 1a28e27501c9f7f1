import type { Language } from '@contract/index.ts';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '@/components/icons.tsx';
import { currentLanguage, isLanguage, supportedLanguages } from '@/i18n.ts';

interface LanguageSwitchProps {
  onChange: (language: Language) => void;
  isDisabled?: boolean;
}

/** A labelled native select: keyboard and screen-reader friendly, `getByLabel('Language')` in tests. */
export function LanguageSwitch({ onChange, isDisabled = false }: LanguageSwitchProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="language-switch">
      <Icon name="globe" />
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <select
        id={id}
        className="language-select"
        data-testid="language-switch"
        value={currentLanguage()}
        disabled={isDisabled}
        onChange={(event) => {
          if (isLanguage(event.target.value)) onChange(event.target.value);
        }}
      >
        {supportedLanguages.map((language) => (
          // Each language is named in itself, whatever the current UI language.
          <option key={language} value={language} lang={language}>
            {t(`language.${language}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
