import type { ReactNode } from 'react';

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
