import Col from 'antd/es/col';
import Form from 'antd/es/form';
import Input from 'antd/es/input';
import Row from 'antd/es/row';
import Select from 'antd/es/select';
import type { AgencyInput } from '../../api';
import { useT } from '../../i18n';
import { fieldStatus } from '../../components/FieldHelp';

export type AgencyKey = keyof AgencyInput;
export const AGENCY_KEYS: AgencyKey[] = ['name', 'credit_code', 'district', 'address', 'phone'];

/**
 * The agency profile fields, shared by first-run setup and the agency page.
 * `fieldName(k)` gives the form's name for a key: ids are `${prefix}${fieldName(k)}` and error
 * hooks `error-${fieldName(k)}`.
 */
export function AgencyFields({
  prefix,
  fieldName,
  value,
  onChange,
  errors,
  districts,
  autoFocus,
}: {
  prefix: string;
  fieldName: (k: AgencyKey) => string;
  value: AgencyInput;
  onChange: (k: AgencyKey, v: string) => void;
  errors: Record<string, string | undefined>;
  districts: string[];
  autoFocus?: boolean;
}) {
  const t = useT();
  const id = (k: AgencyKey) => `${prefix}${fieldName(k)}`;
  const st = (k: AgencyKey) => fieldStatus(fieldName(k), errors[fieldName(k)]);
  return (
    <>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item label={t('agency.name')} htmlFor={id('name')} required {...st('name')}>
            <Input
              id={id('name')}
              value={value.name}
              autoFocus={autoFocus}
              maxLength={100}
              onChange={(e) => onChange('name', e.target.value)}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label={t('agency.creditCode')} htmlFor={id('credit_code')} required {...st('credit_code')}>
            <Input
              id={id('credit_code')}
              value={value.credit_code}
              maxLength={18}
              placeholder={t('agency.creditCodePlaceholder')}
              onChange={(e) => onChange('credit_code', e.target.value.toUpperCase())}
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item label={t('agency.district')} htmlFor={id('district')} required {...st('district')}>
            <Select
              id={id('district')}
              showSearch
              value={value.district || undefined}
              placeholder={t('agency.districtPlaceholder')}
              optionFilterProp="label"
              options={districts.map((d) => ({ value: d, label: d }))}
              onChange={(v: string) => onChange('district', v ?? '')}
              notFoundContent={t('common.noMatch')}
            />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item label={t('agency.address')} htmlFor={id('address')} required {...st('address')}>
            <Input
              id={id('address')}
              value={value.address}
              maxLength={200}
              onChange={(e) => onChange('address', e.target.value)}
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item label={t('agency.phone')} htmlFor={id('phone')} required {...st('phone')}>
            <Input
              id={id('phone')}
              value={value.phone}
              maxLength={30}
              onChange={(e) => onChange('phone', e.target.value)}
            />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
