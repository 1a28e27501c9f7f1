import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '@/components/icons.tsx';

export type BannerTone = 'success' | 'error' | 'info' | 'warning';

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
      className={`banner banner-${tone}`}
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
