/** The server text classifier: every kind, both confirmation spellings, and the cap on what it parses. Pure. */
import { describe, expect, test } from 'vitest';
import { CONFIRMATION_TYPES } from '../../src/protocol/constants.ts';
import { MAX_SERVER_TEXT_LENGTH, parseServerText } from '../../src/protocol/parse.ts';

describe('parseServerText', () => {
  test.each(CONFIRMATION_TYPES)('%s is a confirmation (either spelling of the docs)', (type) => {
    expect(parseServerText(JSON.stringify({ type, sessionId: 's-1' }))).toEqual({
      kind: 'connected',
      message: { type, sessionId: 's-1' },
    });
  });

  test('error frames are parsed with their details; unknown types are passed on as other', () => {
    const frame = { type: 'error', error: { code: 'INVALID_AUDIO_FRAME', message: 'odd', details: { reason: 'odd_length', bytes: 3 } } };
    expect(parseServerText(JSON.stringify(frame))).toEqual({ kind: 'error', message: frame });
    expect(parseServerText('{"type":"savant_status","state":"thinking"}')).toEqual({
      kind: 'other',
      message: { type: 'savant_status', state: 'thinking' },
    });
  });

  test('only `type` is promised: other fields of a confirmation or an error frame never make it invalid', () => {
    expect(parseServerText('{"type":"vapi_connected","sessionId":7}')).toMatchObject({ kind: 'connected', message: { sessionId: '7' } });
    expect(parseServerText('{"type":"savant_voice_connected","sessionId":{"a":1},"message":3}')).toMatchObject({
      kind: 'connected',
      message: { type: 'savant_voice_connected', message: '3' },
    });
    expect(parseServerText('{"type":"vapi_connected","sessionId":[1]}')).toEqual({
      kind: 'connected',
      message: { type: 'vapi_connected' },
    });
    expect(parseServerText('{"type":"error","error":{"message":"no code"}}')).toMatchObject({
      kind: 'error',
      message: { error: { code: 'PROTOCOL_ERROR', message: 'no code' } },
    });
    expect(parseServerText('{"type":"error","error":{"code":"TOKEN_EXPIRED","details":"x"}}')).toMatchObject({
      kind: 'error',
      message: { error: { code: 'TOKEN_EXPIRED', message: '' } },
    });
  });

  test('what is not a valid message is classified, with a short excerpt only', () => {
    const cases: Array<[string, string]> = [
      ['not json', 'not_json'],
      ['[1,2]', 'not_a_message'],
      ['{"type":""}', 'not_a_message'],
    ];
    for (const [raw, reason] of cases) expect(parseServerText(raw)).toEqual({ kind: 'invalid', reason, raw });
    const huge = JSON.stringify({ type: 'savant_status', pad: 'x'.repeat(MAX_SERVER_TEXT_LENGTH) });
    const parsed = parseServerText(huge);
    expect(parsed).toMatchObject({ kind: 'invalid', reason: 'not_a_message' });
    expect(parsed.kind === 'invalid' && parsed.raw).toBe(huge.slice(0, 256));
  });
});
