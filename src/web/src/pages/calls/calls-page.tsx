import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { useSession } from '../../session.tsx';

export function CallsPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  useDocumentTitle(t('calls.title'));
  return (
    <>
      <PageHeader title={t('calls.title')} />
      <EmptyState
        icon="calls"
        title={t('calls.emptyTitle')}
        testId="calls-empty"
        actions={
          isAdmin ? (
            <Link to="/settings/integrations" className="btn btn-primary">
              <span>{t('calls.emptyAdminAction')}</span>
              <Icon name="arrowRight" />
            </Link>
          ) : (
            <p className="muted">{t('calls.emptyMemberHint')}</p>
          )
        }
      >
        <p>{t('calls.emptyBody')}</p>
      </EmptyState>
    </>
  );
}
