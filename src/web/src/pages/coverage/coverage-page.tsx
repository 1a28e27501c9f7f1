import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { CoverageTable } from '@/pages/settings/integrations/zoom/zoom-coverage.tsx';
import { coverageQuery } from '@/queries.ts';

/** Couverture: a member's own meetings held, recorded and imported (admins see everyone's in Imports). */
export function CoveragePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('coverage.title'));
  const { data: view, error } = useQuery(coverageQuery);
  const feedback = useFeedback();
  return (
    <>
      <PageHeader title={t('coverage.title')} description={t('coverage.ownDescription')} />
      <FeedbackBanners feedback={feedback} loadError={error} />
      {view ? <CoverageTable view={view} showLinks={false} /> : null}
    </>
  );
}
