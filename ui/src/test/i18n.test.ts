import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import zh from '../i18n/zh-CN.json';
import en from '../i18n/en.json';
import { translate } from '../i18n';
import { ENROL_FIELDS } from '../features/enrol/EnrolForm';

const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'test' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

const zhKeys = Object.keys(zh).sort();
const enKeys = Object.keys(en).sort();
const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();

describe('message files', () => {
  it('have exactly the same keys', () => {
    expect(enKeys).toEqual(zhKeys);
  });

  it('have no empty strings and the same {placeholders} in both languages', () => {
    const z = zh as Record<string, string>;
    const e = en as Record<string, string>;
    for (const k of zhKeys) {
      expect(z[k].trim(), `zh ${k}`).not.toBe('');
      expect(e[k].trim(), `en ${k}`).not.toBe('');
      expect(placeholders(e[k]), k).toEqual(placeholders(z[k]));
    }
  });

  const files = sourceFiles(SRC);

  it('contain every t("key") used in the source', () => {
    const used = new Map<string, string>();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*(['"])([^'"`$]+)\1/g)) used.set(m[2], relative(SRC, f));
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter(([k]) => !(k in zh) || !(k in en)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('contain every message key written as a string literal (keys passed around, e.g. permit notices)', () => {
    const namespaces = new Set(zhKeys.map((k) => k.split('.')[0]));
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/'([a-z]+)\.([A-Za-z0-9_]+)'/g)) {
        if (namespaces.has(m[1]) && !(`${m[1]}.${m[2]}` in zh)) missing.push(`${m[1]}.${m[2]} (${relative(SRC, f)})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('label every worker field that can appear in the timeline', () => {
    const workerFields = ENROL_FIELDS.filter((f) => f !== 'reason' && f !== 'photo' && f !== 'agency_check');
    for (const f of [...workerFields, 'agency_check_done', 'photo_sha256', 'status', 'certificate_code']) {
      expect(`field.${f}` in zh, f).toBe(true);
    }
  });
});

describe('translate', () => {
  it('interpolates {vars} and falls back to the key', () => {
    expect(translate('zh-CN', 'workers.total', { n: 12 })).toBe('共 12 人');
    expect(translate('en', 'workers.total', { n: 3 })).toBe('3 in total');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
    expect(translate('zh-CN', 'header.user', { name: '张三', role: '前台' })).toBe('张三（前台）');
  });
});
