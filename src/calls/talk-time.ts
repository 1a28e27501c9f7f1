import type { CallDetail } from '../contract/index.ts';

type Span = { speaker: string; startMs: number; endMs: number };

/**
 * Talk-time per speaker and the longest monologue, from the transcript's cues: a monologue is a run of
 * consecutive cues by the same speaker (Zoom cuts one person's speech into several cues).
 */
export function measureTalkTime(lines: Span[]): Pick<CallDetail, 'talkTime' | 'longestMonologue'> {
  const turns: Span[] = [];
  for (const line of lines) {
    const turn = turns.at(-1);
    if (turn?.speaker === line.speaker) turn.endMs = Math.max(turn.endMs, line.endMs);
    else turns.push({ speaker: line.speaker, startMs: line.startMs, endMs: line.endMs });
  }
  const talk = new Map<string, { talkMs: number; longestMonologueMs: number }>();
  for (const line of lines) {
    const entry = talk.get(line.speaker) ?? { talkMs: 0, longestMonologueMs: 0 };
    entry.talkMs += Math.max(0, line.endMs - line.startMs);
    talk.set(line.speaker, entry);
  }
  let longest: Span | null = null;
  for (const turn of turns) {
    const entry = talk.get(turn.speaker)!;
    entry.longestMonologueMs = Math.max(entry.longestMonologueMs, turn.endMs - turn.startMs);
    if (!longest || turn.endMs - turn.startMs > longest.endMs - longest.startMs) longest = turn;
  }
  const totalMs = [...talk.values()].reduce((sum, entry) => sum + entry.talkMs, 0);
  return {
    talkTime: [...talk.entries()]
      .map(([speaker, entry]) => ({
        speaker,
        talkMs: entry.talkMs,
        share: totalMs > 0 ? entry.talkMs / totalMs : 0,
        longestMonologueMs: entry.longestMonologueMs,
      }))
      .sort((a, b) => b.talkMs - a.talkMs),
    longestMonologue: longest,
  };
}
