import type { MarkedText } from '@contract/index.ts';

/** Text with the searched words in <mark>, as the server marked them. */
export function Marked({ parts }: { parts: MarkedText }) {
  return (
    <>
      {parts.map((part, index) =>
        part.isMatch ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
          <mark key={index}>{part.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}
