import type { ParseKeys } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface TableProps {
  caption: string;
  /** Visually hide the caption when the page heading already says what the table is. */
  isCaptionHidden?: boolean;
  columns: { key: string; label: ReactNode; className?: string }[];
  children: ReactNode;
  testId?: string;
}

/** A data table that scrolls horizontally on small screens instead of squashing its columns. */
export function Table({ caption, isCaptionHidden = true, columns, children, testId }: TableProps) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <caption className={isCaptionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.className}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A column heading given as its translation key, which is also the column's key. */
type HeadingKey = ParseKeys;

interface TableCardProps {
  caption: HeadingKey;
  testId: string;
  columns: readonly HeadingKey[];
  /** Shown in the card above the table (a search field, a last-sync date). */
  toolbar?: ReactNode;
  /** Said below the table when it has no rows. */
  empty?: ReactNode;
  children: ReactNode;
}

/** A flush card holding one table whose caption and headings are translation keys. */
export function TableCard({ caption, testId, columns, toolbar, empty, children }: TableCardProps) {
  const { t } = useTranslation();
  return (
    <div className="card card-flush">
      {toolbar}
      <Table caption={t(caption)} testId={testId} columns={columns.map((key) => ({ key, label: t(key) }))}>
        {children}
      </Table>
      {empty ? <p className="table-empty">{empty}</p> : null}
    </div>
  );
}
