import { describe, expect, it } from 'vitest';
import { translate, type TFunc } from '../i18n';
import { describeEntry, type Labellers } from '../features/workers/timeline';
import type { AuditAction, AuditEntry } from '../api';

const t: TFunc = (key, vars) => translate('zh-CN', key, vars);
const l: Labellers = { t, serviceLabel: (c) => c, statusLabel: (c) => ({ in_training: '培训中', eligible: '可申领' })[c] ?? c };
const entry = (e: Partial<AuditEntry>): AuditEntry =>
  ({ id: '1', at: '2026-12-04T02:00:00Z', user: '李娜', action: 'update', field: null, old_value: null, new_value: null, reason: null, ...e }) as AuditEntry;

describe('the timeline of a worker another desk of the agency changed (issue 10)', () => {
  it('says who enrolled the worker on another desk', () => {
    expect(describeEntry(entry({ action: 'relay_enrol', new_value: '王芳' }), l)).toBe('李娜在本机构另一工作台登记（已同步到本机）');
  });

  it('names the field, both values and who changed it there', () => {
    const text = describeEntry(entry({ action: 'relay_update', field: 'phone', old_value: '13800138000', new_value: '13912345678' }), l);
    expect(text).toBe('李娜在本机构另一工作台修改 手机号：13800138000 → 13912345678');
  });

  it('names the desk a change was written on, when the platform says', () => {
    const text = describeEntry(entry({ action: 'relay_update', field: 'phone', old_value: '13800138000', new_value: '13912345678', reason: '前台2号机' }), l);
    expect(text).toBe('李娜在本机构工作台「前台2号机」修改 手机号：13800138000 → 13912345678');
  });

  it('keeps a value another desk wrote that a later write beat, with who and which desk', () => {
    const text = describeEntry(entry({ action: 'relay_lost', field: 'emergency_contact_name', new_value: '王五', reason: '分店1号机' }), l);
    expect(text).toBe('李娜在工作台「分店1号机」把 紧急联系人 改为 王五，但另一工作台的修改更晚，未采用（保留较晚的值）');
    const photo = describeEntry(entry({ action: 'relay_lost', field: 'photo', new_value: 'ab12', reason: '分店1号机' }), l);
    expect(photo.includes('ab12'), photo).toBe(false);
  });

  it('shows a status that moved forward by another desk in the clerk’s words', () => {
    const text = describeEntry(entry({ action: 'relay_status', field: 'status', old_value: 'in_training', new_value: 'eligible', user: '' }), l);
    expect(text).toBe('状态随本机构另一工作台更新：培训中 → 可申领');
  });

  it('says a training record came from another desk, with what it was', () => {
    const text = describeEntry(entry({ action: 'relay_exam', field: 'exam:2', new_value: '30' }), l);
    expect(text).toBe('李娜在本机构另一工作台记录考试成绩：30');
  });

  it('tells the clerk that two desks’ records of one person were merged', () => {
    const text = describeEntry(entry({ action: 'relay_merged', old_value: 'a', new_value: 'b', user: '' }), l);
    expect(text).toBe('本机构两个工作台都登记了此人（身份证号相同），已由平台合并为一条记录，培训、体检、证卡等记录都在此');
  });

  it('names every record another desk may send in the clerk’s words, never as a code', () => {
    const relayed: AuditAction[] = ['relay_health_check', 'relay_insurance', 'relay_card_print', 'relay_card_issue', 'relay_card_loss', 'relay_cancel', 'relay_answer_complaint'];
    for (const action of relayed) {
      const text = describeEntry(entry({ action, new_value: 'x' }), l);
      expect(text.startsWith('李娜在本机构另一工作台'), text).toBe(true);
      expect(text.includes(action), text).toBe(false);
    }
    expect(describeEntry(entry({ action: 'relay_card_issue' }), l)).toBe('李娜在本机构另一工作台发放证卡');
  });
});
