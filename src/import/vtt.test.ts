import { describe, expect, it } from 'vitest';
import { parseChat, parseVtt, removeSendersFromChat, removeSpeakersFromVtt } from './vtt.ts';

describe('Zoom transcript and chat parsing', () => {
  it('parses VTT cues with speakers, times and text', () => {
    const vtt =
      'WEBVTT\r\n\r\n1\r\n00:00:00.000 --> 00:00:04.903\r\nEmma Dubois: Hello Paul: welcome.\r\n\r\n2\r\n01:02:05.303 --> 01:02:10.566\r\nno speaker here\r\n\r\n3\r\nbroken --> cue\r\nx: y\r\n';
    expect(parseVtt(vtt)).toEqual([
      { speaker: 'Emma Dubois', startMs: 0, endMs: 4903, text: 'Hello Paul: welcome.' },
      { speaker: '', startMs: 3_725_303, endMs: 3_730_566, text: 'no speaker here' },
    ]);
  });

  it("parses Zoom's chat file, messages on their own tab-indented lines", () => {
    const chat =
      '00:00:30 From Emma Dubois to Everyone:\r\n\tHere is the deck\r\n00:01:00 From Paul Girard to Everyone:\r\n\tThanks!\r\n\tLooks good\r\n';
    expect(parseChat(chat)).toEqual([
      { at: '00:00:30', sender: 'Emma Dubois', text: 'Here is the deck' },
      { at: '00:01:00', sender: 'Paul Girard', text: 'Thanks!\nLooks good' },
    ]);
  });

  it('removes one person from a transcript and a chat, keeping everyone else', () => {
    const vtt =
      'WEBVTT\r\n\r\n1\r\n00:00:00.000 --> 00:00:04.903\r\nEmma Dubois: Hello Paul.\r\n\r\n2\r\n00:00:05.000 --> 00:00:06.000\r\nPaul Girard: Hello: Emma.\r\n\r\n3\r\n00:00:07.000 --> 00:00:08.000\r\nno speaker\r\n';
    const redacted = removeSpeakersFromVtt(vtt, [' paul girard ']);
    expect(parseVtt(redacted).map((line) => line.speaker)).toEqual(['Emma Dubois', '']);
    expect(redacted).not.toContain('Paul Girard');
    const chat =
      '00:00:30 From Emma Dubois to Everyone:\r\n\tHere is the deck\r\n00:01:00 From Paul Girard to Everyone:\r\n\tThanks!\r\n\tLooks good\r\n00:02:00 From Emma Dubois to Everyone:\r\n\tBye\r\n';
    expect(parseChat(removeSendersFromChat(chat, ['Paul Girard']))).toEqual([
      { at: '00:00:30', sender: 'Emma Dubois', text: 'Here is the deck' },
      { at: '00:02:00', sender: 'Emma Dubois', text: 'Bye' },
    ]);
  });
});
