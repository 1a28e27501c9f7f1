import type { ReactNode } from 'react';
import { Icon, type IconName } from '@/components/icons.tsx';

interface EmptyStateProps {
  icon: IconName;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
}

export function EmptyState({ icon, title, children, actions, testId }: EmptyStateProps) {
  return (
    <section
      className="empty-state"
      data-testid={testId}
      aria-label={typeof title === 'string' ? title : undefined}
    >
      <div className="empty-state-icon">
        <Icon name={icon} />
      </div>
      <h2 className="empty-state-title">{title}</h2>
      {children ? <div className="empty-state-body">{children}</div> : null}
      {actions ? <div className="empty-state-actions">{actions}</div> : null}
    </section>
  );
}
