import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';

/** The heading of a Zoom tab (Utilisateurs, Imports, Règles d'enregistrement) and the way back to Intégrations. */
export function ZoomTabHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description: ReactNode;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  useDocumentTitle(title);
  return (
    <>
      <PageHeader
        eyebrow={t('zoomUsers.eyebrow')}
        title={title}
        description={description}
        actions={actions}
      />
      <p>
        <Link to="/settings/integrations">← {t('zoomUsers.back')}</Link>
      </p>
    </>
  );
}
