import { useEffect, useState } from 'react';
import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Spin from 'antd/es/spin';
import Tag from 'antd/es/tag';
import Timeline from 'antd/es/timeline';
import Typography from 'antd/es/typography';
import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import EditOutlined from '@ant-design/icons/EditOutlined';
import UserOutlined from '@ant-design/icons/UserOutlined';
import * as api from '../../api';
import type { ApiError, WorkerDetail } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatTime, isComposing, isTypingTarget, statusColor } from '../../util';
import { describeEntry, entryTime, fieldLabel } from './timeline';
import WorkerPlatformPanel from '../sync/WorkerPlatformPanel';
import WorkerTrainingPanel from '../training/WorkerTrainingPanel';
import CardPanel from '../cards/CardPanel';
import FeedbackPanel from '../cards/FeedbackPanel';
import HealthPanel from '../health/HealthPanel';

export default function WorkerPage({
  id,
  onEdit,
  onBack,
  onOpenClass,
}: {
  id: string;
  onEdit: () => void;
  onBack: () => void;
  onOpenClass?: (id: string) => void;
}) {
  const { t, msg, lang } = useI18n();
  const { statusLabel, serviceLabel } = useSession();
  const [detail, setDetail] = useState<WorkerDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setDetail(null);
    setError(null);
    api
      .workerGet(id)
      .then((d) => live && setDetail(d))
      .catch((e: unknown) => live && setError(api.toApiError(e)));
    return () => {
      live = false;
    };
  }, [id, reload]);

  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if (isComposing(e) || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('.ant-modal-wrap:not([style*="display: none"])')) return; // a dialog is open
      if ((e.key === 'e' || e.key === 'E') && detail) {
        e.preventDefault();
        onEdit();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        onBack();
      }
    };
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, [detail, onEdit, onBack]);

  if (error) {
    return (
      <div data-testid="worker-page" className="page">
        <Alert type="error" showIcon message={msg(error)} />
        <Button className="mt" icon={<ArrowLeftOutlined />} onClick={onBack}>
          {t('common.backToList')}
        </Button>
      </div>
    );
  }
  if (!detail) {
    return (
      <div className="page center-spin">
        <Spin />
      </div>
    );
  }

  const w = detail.worker;
  const dash = <span className="muted">—</span>;
  const labellers = { t, serviceLabel, statusLabel };

  return (
    <div data-testid="worker-page" className="page worker-page">
      <div className="page-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} title={t('common.backToListHint')} />
        <Typography.Title level={4} className="page-title">
          <span data-testid="worker-name">{w.name}</span>
        </Typography.Title>
        <Tag data-testid="worker-status" color={statusColor(w.status)}>
          {statusLabel(w.status)}
        </Tag>
        <div className="grow" />
        <Button type="primary" icon={<EditOutlined />} data-testid="worker-edit" onClick={onEdit}>
          {t('worker.edit')}
          <span className="kbd">E</span>
        </Button>
      </div>
      {detail.missing_details.length > 0 && (
        <Alert
          className="mb"
          type="warning"
          showIcon
          data-testid="worker-to-complete"
          message={t('toComplete.worker', { fields: detail.missing_details.map((f) => fieldLabel(f, t)).join('、') })}
        />
      )}
      {detail.details_review && detail.details_review.changed.length > 0 && (
        <Alert
          className="mb"
          type="info"
          showIcon
          data-testid="worker-details-review"
          message={t('detailsReview.pending', {
            fields: detail.details_review.changed.map((f) => fieldLabel(f, t)).join('、'),
            name: detail.details_review.approved_name,
          })}
        />
      )}
      {detail.details_review?.rejection && (
        <Alert
          className="mb"
          type="error"
          showIcon
          data-testid="worker-details-rejected"
          message={t('detailsReview.rejected')}
          description={lang === 'en' ? detail.details_review.rejection.en : detail.details_review.rejection.zh}
        />
      )}
      <div className="worker-body">
        <div className="worker-photo">
          {detail.photo_data_url ? (
            <img src={detail.photo_data_url} alt={t('worker.photo')} data-testid="worker-photo" />
          ) : (
            <div className="photo-empty">
              <UserOutlined />
              <div>{t('worker.noPhoto')}</div>
            </div>
          )}
        </div>
        <Descriptions size="small" bordered column={2} className="worker-desc">
          <Descriptions.Item label={t('worker.name')}>{w.name}</Descriptions.Item>
          <Descriptions.Item label={t('worker.gender')}>
            {w.gender === 'male' ? t('gender.male') : w.gender === 'female' ? t('gender.female') : w.gender}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.idNumber')}>
            <span className="mono" data-testid="worker-id-number">
              {w.id_number}
            </span>
            {w.id_number_legacy && (
              <div className="muted small">{t('worker.legacyId', { legacy: w.id_number_legacy })}</div>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.birthDate')}>{w.birth_date}</Descriptions.Item>
          <Descriptions.Item label={t('worker.phone')}>
            <span className="mono" data-testid="worker-phone">
              {w.phone}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.certificateCode')}>{w.certificate_code || dash}</Descriptions.Item>
          <Descriptions.Item label={t('worker.address')} span={2}>
            {w.address || dash}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.serviceTypes')} span={2}>
            {w.service_types.length ? w.service_types.map((c) => <Tag key={c}>{serviceLabel(c)}</Tag>) : dash}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.emergencyName')}>{w.emergency_contact_name || dash}</Descriptions.Item>
          <Descriptions.Item label={t('worker.emergencyPhone')}>
            <span className="mono">{w.emergency_contact_phone || dash}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.consentDate')}>
            {w.consent_date || dash}
            {w.consent_witness && (
              <span className="muted small"> {t('worker.witnessBy', { name: w.consent_witness })}</span>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.agencyCheck')}>
            {w.agency_check_done ? (
              <>
                <Tag color="green">{t('worker.agencyCheckDone')}</Tag>
                <span className="muted small">
                  {[w.agency_check_by, formatTime(w.agency_check_at)].filter(Boolean).join(' ')}
                </span>
              </>
            ) : (
              <Tag color="orange">{t('worker.agencyCheckNotDone')}</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('worker.createdAt')}>{formatTime(w.created_at)}</Descriptions.Item>
          <Descriptions.Item label={t('worker.updatedAt')}>{formatTime(w.updated_at)}</Descriptions.Item>
        </Descriptions>
      </div>
      <WorkerPlatformPanel id={w.id} status={w.status} onChanged={() => setReload((n) => n + 1)} />
      <CardPanel id={w.id} name={w.name} onChanged={() => setReload((n) => n + 1)} />
      <FeedbackPanel id={w.id} />
      <WorkerTrainingPanel id={w.id} onOpenClass={onOpenClass} />
      <HealthPanel workerId={w.id} onChanged={() => setReload((n) => n + 1)} />
      <Typography.Title level={5} className="section-title">
        {t('worker.timeline')}
      </Typography.Title>
      <div data-testid="timeline" className="timeline">
        {detail.timeline.length ? (
          <Timeline
            items={detail.timeline.map((e) => ({
              key: e.id,
              color: e.action === 'enrol' ? 'green' : 'blue',
              children: (
                <span data-testid="timeline-entry">
                  <span className="tl-at">{entryTime(e)}</span> {describeEntry(e, labellers)}
                </span>
              ),
            }))}
          />
        ) : (
          <span className="muted">{t('worker.noTimeline')}</span>
        )}
      </div>
    </div>
  );
}
