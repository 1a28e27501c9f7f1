import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '@/components/icons.tsx';

export type BannerTone = 'success' | 'error' | 'info' | 'warning';

/** Each tone's palette among the design tokens: its colour, `-soft` background and `-border`. */
const palettes: Record<BannerTone, string> = {
  success: 'success',
  error: 'danger',
  info: 'info',
  warning: 'warning',
};

function toneStyle(tone: BannerTone): CSSProperties {
  const palette = palettes[tone];
  return {
    '--tone': `var(--${palette})`,
    '--tone-soft': `var(--${palette}-soft)`,
    '--tone-border': `var(--${palette}-border)`,
  } as CSSProperties;
}

interface BannerProps {
  tone: BannerTone;
  title?: ReactNode;
  children?: ReactNode;
  onDismiss?: () => void;
  actions?: ReactNode;
  testId?: string;
}

/** Errors are announced at once (`alert`); everything else politely (`status`). */
export function Banner({ tone, title, children, onDismiss, actions, testId }: BannerProps) {
  const { t } = useTranslation();
  const icon = tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert';
  return (
    <div
      className="banner"
      style={toneStyle(tone)}
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
    >
      <Icon name={icon} className="banner-icon" />
      <div className="banner-body">
        {title ? <p className="banner-title">{title}</p> : null}
        {children ? <div className="banner-text">{children}</div> : null}
        {actions ? <div className="banner-actions">{actions}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label={t('common.dismiss')}>
          <Icon name="close" />
        </button>
      ) : null}
    </div>
  );
}
