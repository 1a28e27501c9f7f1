import type { ImportUsersResult } from '@contract/index.ts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { FormDialog } from '@/components/dialog.tsx';
import { FieldFrame } from '@/components/field.tsx';
import { describeError } from '@/errors.ts';

const example = `email,name,role,licensed,language
camille.martin@example.com,Camille Martin,member,true,fr
alex.smith@example.com,Alex Smith,admin,true,en`;

interface ImportUsersDialogProps {
  isOpen: boolean;
  onClose: () => void;
  /** Called after every import that reached the server, so the list can refresh. */
  onImported: (result: ImportUsersResult) => void;
}

export function ImportUsersDialog(props: ImportUsersDialogProps) {
  return props.isOpen ? <ImportUsersForm {...props} /> : null;
}

function ImportUsersForm({ onClose, onImported }: ImportUsersDialogProps) {
  const { t } = useTranslation();
  const fileId = useId();
  const pasteId = useId();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportUsersResult | null>(null);
  const importUsers = useMutation({
    mutationFn: (text: string) => api.importUsers(text),
    onSuccess: (imported) => {
      setResult(imported);
      onImported(imported);
    },
    onError: (caught) => setError(describeError(t, caught)),
  });
  const isImporting = importUsers.isPending;

  const readFile = async (file: File | undefined) => {
    setError(null);
    if (!file) return;
    try {
      setCsv(await file.text());
      setFileName(file.name);
    } catch {
      setError(t('users.importDialog.fileReadError'));
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (!csv.trim()) {
      setError(t('users.importDialog.empty'));
      return;
    }
    importUsers.mutate(csv);
  };

  const reset = () => {
    setResult(null);
    setCsv('');
    setFileName(null);
  };

  return (
    <FormDialog
      size="lg"
      title={t('users.importDialog.title')}
      description={t('users.importDialog.help')}
      onClose={onClose}
      testId="import-dialog"
      formId="import-users-form"
      submitLabel={isImporting ? t('users.importDialog.importing') : t('users.importDialog.submit')}
      isSubmitting={isImporting}
      isDone={result !== null}
      doneActions={<Button onClick={reset}>{t('users.importDialog.importAnother')}</Button>}
    >
      {result ? (
        <ImportResult result={result} />
      ) : (
        <form id="import-users-form" className="form" onSubmit={submit}>
          {error ? <Banner tone="error">{error}</Banner> : null}
          <details className="example">
            <summary>{t('users.importDialog.example')}</summary>
            <pre>{example}</pre>
          </details>
          <FieldFrame id={fileId} label={t('users.importDialog.file')} hint={fileName}>
            <input
              id={fileId}
              className="file-input"
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={(event) => void readFile(event.target.files?.[0])}
            />
          </FieldFrame>
          <FieldFrame id={pasteId} label={t('users.importDialog.paste')}>
            <textarea
              id={pasteId}
              className="input textarea mono"
              rows={8}
              spellCheck={false}
              placeholder={example}
              value={csv}
              onChange={(event) => {
                setCsv(event.target.value);
                setFileName(null);
              }}
            />
          </FieldFrame>
        </form>
      )}
    </FormDialog>
  );
}

function ImportResult({ result }: { result: ImportUsersResult }) {
  const { t } = useTranslation();
  const hasErrors = result.errors.length > 0;
  return (
    <div className="import-result" data-testid="import-result">
      <Banner tone={hasErrors ? 'warning' : 'success'} title={t('users.importDialog.resultTitle')}>
        <ul className="import-counts">
          <li data-testid="import-created">{t('users.importDialog.created', { count: result.created })}</li>
          <li data-testid="import-updated">{t('users.importDialog.updated', { count: result.updated })}</li>
          {hasErrors ? (
            <li data-testid="import-errors">
              {t('users.importDialog.errors', { count: result.errors.length })}
            </li>
          ) : null}
        </ul>
      </Banner>
      {hasErrors ? (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="import-errors-table">
            <caption className="visually-hidden">{t('users.importDialog.errorsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="col-narrow">
                  {t('users.importDialog.line')}
                </th>
                <th scope="col">{t('users.importDialog.message')}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error) => (
                <tr key={`${error.line}-${error.message}`}>
                  <td className="num">{error.line}</td>
                  <td>{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
