// Structured logger: JSON lines with time, level, msg and fields; level threshold; child fields.
import { describe, expect, it } from 'vitest';

import { createLogger } from './log.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createLogger({ sink: { write: (l) => lines.push(l) }, now: () => new Date('2026-11-25T12:00:00Z'), ...(level ? { level } : {}) });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, msg and fields', () => {
    const { logger, lines, records } = capture();
    logger.info('mesh compiled', { files: 3 });
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(records()).toEqual([{ time: '2026-11-25T12:00:00.000Z', level: 'info', msg: 'mesh compiled', files: 3 }]);
  });

  it('drops lines below the level (default info)', () => {
    const { logger, records } = capture();
    logger.debug('hidden');
    logger.warn('shown');
    expect(records().map((r) => r['msg'])).toEqual(['shown']);
    const warnOnly = capture('warn');
    warnOnly.logger.info('hidden');
    warnOnly.logger.error('shown');
    expect(warnOnly.records().map((r) => r['level'])).toEqual(['error']);
    expect(warnOnly.logger.enabled('info')).toBe(false);
  });

  it('keeps time, level and msg when fields carry the same keys', () => {
    const { logger, records } = capture();
    logger.child({ msg: 'base' }).warn('real', { level: 'error', time: 'never' });
    expect(records()[0]).toEqual({ time: '2026-11-25T12:00:00.000Z', level: 'warn', msg: 'real' });
  });

  it('adds child fields to every line and serialises errors', () => {
    const { logger, records } = capture();
    logger.child({ command: 'check' }).child({ requestId: 'r1' }).error('failed', { error: new Error('boom') });
    expect(records()[0]).toMatchObject({ command: 'check', requestId: 'r1', error: { name: 'Error', message: 'boom' } });
  });

  it('writes human lines, without time, for a person at a terminal', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: { write: (l) => lines.push(l) }, format: 'human', fields: { command: 'check' } });
    logger.warn('mesh input warning: duplicate', { file: 'a b.yaml', line: 3, nested: { x: 1 } });
    expect(lines).toEqual(['gic check: warn: mesh input warning: duplicate  file="a b.yaml" line=3 nested={"x":1}\n']);
  });

  it('redacts secret settings wherever they appear in a logged value, in both formats', () => {
    for (const format of ['json', 'human'] as const) {
      const lines: string[] = [];
      const logger = createLogger({ sink: { write: (l) => lines.push(l) }, format, redactPaths: ['gerrit.password'] });
      logger.info('config', { config: { gerrit: { url: 'https://g', password: 's3cret' } }, gerrit: { password: 'also-secret' }, 'gerrit.password': 'flat-secret', password: 'not-a-setting' });
      expect(lines[0]).not.toMatch(/s3cret|also-secret|flat-secret/);
      expect(lines[0]).toContain('[redacted]');
      expect(lines[0]).toContain('https://g');
    }
  });
});
