export type TranscriptLine = { speaker: string; startMs: number; endMs: number; text: string };

/**
 * Parses Zoom's WebVTT transcript: cues of `index`, `HH:MM:SS.mmm --> HH:MM:SS.mmm`, then
 * `Speaker Name: text` lines. Cues without a speaker keep an empty speaker; malformed cues are skipped.
 */
export function parseVtt(vtt: string): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  const blocks = vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const rows = block.split('\n').filter((row) => row.trim() !== '');
    const timingIndex = rows.findIndex((row) => row.includes('-->'));
    if (timingIndex === -1) continue;
    const [start, end] = rows[timingIndex]!.split('-->').map((part) =>
      parseTimestamp(part.trim().split(/\s+/)[0] ?? ''),
    );
    if (start === undefined || end === undefined) continue;
    const text = rows
      .slice(timingIndex + 1)
      .join(' ')
      .trim();
    if (!text) continue;
    const match = /^([^:]{1,100}):\s+(.*)$/s.exec(text);
    lines.push({
      speaker: match ? match[1]!.trim() : '',
      startMs: start,
      endMs: end,
      text: match ? match[2]!.trim() : text,
    });
  }
  return lines;
}

function parseTimestamp(value: string): number | undefined {
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})$/.exec(value);
  if (!match) return undefined;
  const [, hours = '0', minutes, seconds, millis] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis);
}

/** A message's first row in Zoom's saved chat: time, sender, and the text when on the same line. */
const chatHeader = /^(\d{2}:\d{2}:\d{2})\s+(?:From\s+)?(.+?)(?:\s+to\s+[^:]+?)?\s*:\s*(.*)$/;

/**
 * Zoom's saved chat: `HH:MM:SS From Sender to Everyone:` then the message on tab-indented lines
 * (older files put it on the same line after a tab or " : ").
 */
export function parseChat(text: string): Array<{ at: string; sender: string; text: string }> {
  const messages: Array<{ at: string; sender: string; text: string }> = [];
  for (const row of text.replace(/\r\n?/g, '\n').split('\n')) {
    const header = chatHeader.exec(row);
    if (header && !row.startsWith('\t')) {
      messages.push({ at: header[1]!, sender: header[2]!.trim(), text: header[3]!.trim() });
    } else if (row.trim() && messages.length > 0) {
      const last = messages[messages.length - 1]!;
      last.text = last.text ? `${last.text}\n${row.trim()}` : row.trim();
    }
  }
  return messages;
}

/** How names are compared (speakers, chat senders, erased people): case and outer spaces aside. */
export const normalizedName = (name: string) => name.trim().toLowerCase();

/** A test for "is one of `names`". */
export const sameName = (names: string[]) => {
  const wanted = new Set(names.map(normalizedName).filter(Boolean));
  return (name: string) => wanted.has(normalizedName(name));
};

/** The VTT without the cues spoken by `names` (erasure): other cues are kept byte for byte. */
export function removeSpeakersFromVtt(vtt: string, names: string[]): string {
  const isErased = sameName(names);
  const blocks = vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  const kept = blocks.filter((block) => {
    const rows = block.split('\n').filter((row) => row.trim() !== '');
    const timingIndex = rows.findIndex((row) => row.includes('-->'));
    if (timingIndex === -1) return true;
    const match = /^([^:]{1,100}):\s/.exec(rows.slice(timingIndex + 1).join(' '));
    return !(match && isErased(match[1]!));
  });
  return `${kept.join('\n\n').trimEnd()}\n`;
}

/** Zoom's chat file without the messages sent by `names` (erasure). */
export function removeSendersFromChat(text: string, names: string[]): string {
  const isErased = sameName(names);
  let skipping = false;
  const kept: string[] = [];
  for (const row of text.replace(/\r\n?/g, '\n').split('\n')) {
    const header = chatHeader.exec(row);
    if (header && !row.startsWith('\t')) skipping = isErased(header[2]!);
    if (!skipping) kept.push(row);
  }
  return kept.join('\n');
}
