// One class: its facts, the participants grid for keyboard-only entry, and (offline) the
// supervision form. Every save goes to the desk, which decides credited hours and status.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import AntApp from 'antd/es/app';
import Button, { type ButtonProps } from 'antd/es/button';
import Descriptions from 'antd/es/descriptions';
import Input, { type InputRef } from 'antd/es/input';
import Spin from 'antd/es/spin';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import ArrowLeftOutlined from '@ant-design/icons/ArrowLeftOutlined';
import DeleteOutlined from '@ant-design/icons/DeleteOutlined';
import UploadOutlined from '@ant-design/icons/UploadOutlined';
import * as api from '../../api';
import type { ApiError, AttendanceCode, ClassDetail, Participant } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { isComposing, statusColor } from '../../util';
import { fieldErrorsByColumn, gridColumns, gridKey, normaliseTime, type Col, type GridAction, type GridState } from './grid';
import SupervisionPanel from './SupervisionPanel';
import HoursImport from './HoursImport';

/** data-testid on a confirm dialog's buttons (ButtonProps does not list data-* attributes). */
const testId = (id: string) => ({ 'data-testid': id }) as ButtonProps;

type RowError = { workerId: string; error: ApiError };

export default function ClassPage({
  id,
  onBack,
  onOpenWorker,
}: {
  id: string;
  onBack: () => void;
  onOpenWorker: (id: string) => void;
}) {
  const { t, msg } = useI18n();
  const { message, modal } = AntApp.useApp();
  const [hoursOpen, setHoursOpen] = useState(false);
  const { statusLabel } = useSession();
  const [detail, setDetail] = useState<ClassDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [addKey, setAddKey] = useState('');
  const [addError, setAddError] = useState<ApiError | null>(null);
  const [rowError, setRowError] = useState<RowError | null>(null);
  const [cursor, setCursorState] = useState<GridState>({ row: 0, col: 0, draft: null });
  // Keys can come faster than renders (a scanner, a fast typist): read the cursor from a ref.
  const cursorRef = useRef(cursor);
  const setCursor = (s: GridState) => {
    cursorRef.current = s;
    setCursorState(s);
  };
  const [busy, setBusy] = useState(false);
  // Attendance typed but not saved yet (late / left early wait for their time).
  const [pending, setPending] = useState<Record<string, Partial<Participant>>>({});
  const gridRef = useRef<HTMLDivElement>(null);
  const addRef = useRef<InputRef>(null);

  const reload = useCallback(
    () =>
      api
        .classGet(id)
        .then((d) => setDetail(d))
        .catch((e: unknown) => setLoadError(api.toApiError(e))),
    [id],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  // A grid save updates its own row at once from the desk's answer; the whole class is read
  // again only after a pause in the typing, so that a class of 60 does not reload 60 times. A
  // reload that overlapped a newer save is dropped (and asked for again), never shown stale.
  const generation = useRef(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const patchRow = useCallback((workerId: string, patch: Partial<Participant>) => {
    generation.current += 1;
    setDetail((d) =>
      d ? { ...d, participants: d.participants.map((x) => (x.worker_id === workerId ? { ...x, ...patch } : x)) } : d,
    );
  }, []);
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = null;
      const asked = generation.current;
      api
        .classGet(id)
        .then((d) => {
          if (asked === generation.current) setDetail(d);
          else scheduleReload();
        })
        .catch((e: unknown) => setLoadError(api.toApiError(e)));
    }, 400);
  }, [id]);
  useEffect(
    () => () => {
      if (reloadTimer.current) clearTimeout(reloadTimer.current);
    },
    [],
  );

  const cls = detail?.class;
  const rows = detail?.participants ?? [];
  const cols: Col[] = cls ? gridColumns(cls.mode) : [];

  const addWorker = async () => {
    const key = addKey.trim();
    if (!key || busy) return;
    setBusy(true);
    setAddError(null);
    try {
      const p = await api.classAddWorker(id, key);
      setAddKey('');
      message.success(t('classPage.added', { name: p.name }));
      await reload();
    } catch (e) {
      setAddError(api.toApiError(e));
    } finally {
      setBusy(false);
      addRef.current?.focus();
    }
  };

  /**
   * Take a worker out of the class, after a confirmation. When the desk refuses because
   * attendance, hours or a score is recorded here, its sentence says what would be lost and a
   * second, explicit confirmation removes them anyway.
   */
  const removeWorker = (p: Participant) => {
    const remove = async (confirmed: boolean) => {
      try {
        await api.classRemoveWorker(id, p.worker_id, confirmed);
        message.success(t('classPage.removed', { name: p.name }));
        setRowError(null);
        await reload();
      } catch (e) {
        const err = api.toApiError(e);
        if (err.code === 'records_in_class' && !confirmed) {
          modal.confirm({
            title: t('classPage.removeRecordsTitle'),
            content: <span data-testid="remove-records-text">{msg(err)}</span>,
            okText: t('classPage.removeAnyway'),
            cancelText: t('common.cancel'),
            okButtonProps: { danger: true, ...testId('remove-anyway') },
            cancelButtonProps: testId('remove-cancel'),
            onOk: () => remove(true),
            afterClose: () => gridRef.current?.focus(),
          });
        } else {
          message.error(msg(err));
        }
      }
    };
    modal.confirm({
      title: t('classPage.removeTitle', { name: p.name }),
      content: t('classPage.removeBody', { name: p.name, title: cls?.title ?? '' }),
      okText: t('classPage.remove'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true, ...testId('remove-ok') },
      cancelButtonProps: testId('remove-cancel'),
      onOk: () => remove(false),
    });
  };

  /** Save one row's attendance from what was saved plus what was just typed. */
  const saveAttendance = async (p: Participant, change: Partial<Participant>) => {
    const merged = { ...p, ...pending[p.worker_id], ...change };
    try {
      const saved = await api.classAttend(id, p.worker_id, {
        attendance: merged.attendance ?? null,
        sign_in: merged.sign_in || null,
        sign_out: merged.sign_out || null,
        hours_completed: null,
      });
      patchRow(p.worker_id, saved);
      setPending((m) => {
        const { [p.worker_id]: _drop, ...rest } = m;
        return rest;
      });
      setRowError(null);
    } catch (e) {
      setPending((m) => ({ ...m, [p.worker_id]: { ...m[p.worker_id], ...change } }));
      setRowError({ workerId: p.worker_id, error: api.toApiError(e) });
    }
  };

  const apply = async (a: GridAction) => {
    const p = rows[a.row];
    if (!p || !cls) return;
    if (a.kind === 'attendance') {
      await saveAttendance(p, { attendance: a.value });
    } else if (a.col === 'sign_in' || a.col === 'sign_out') {
      await saveAttendance(p, { [a.col]: a.text.trim() ? normaliseTime(a.text) : null });
    } else if (a.col === 'hours') {
      try {
        const saved = await api.classAttend(id, p.worker_id, {
          attendance: null,
          sign_in: null,
          sign_out: null,
          hours_completed: Number(a.text),
        });
        patchRow(p.worker_id, saved);
        setRowError(null);
      } catch (e) {
        setRowError({ workerId: p.worker_id, error: api.toApiError(e) });
      }
    } else if (a.col === 'score') {
      if (!a.text.trim()) return;
      try {
        const r = await api.examRecord({ worker: p.worker_id, exam_date: cls.starts_at.slice(0, 10), score: a.text, class_id: id });
        patchRow(p.worker_id, { latest_score: r.score, latest_attempt: r.attempt });
        setRowError(null);
      } catch (e) {
        setRowError({ workerId: p.worker_id, error: api.toApiError(e) });
      }
    }
    scheduleReload();
  };

  // Keep the cursor's cell in sight while the keyboard walks a long class.
  useEffect(() => {
    const cell = gridRef.current?.querySelector<HTMLElement>('.grid-cursor');
    const head = gridRef.current?.querySelector<HTMLElement>('thead');
    const wrap = gridRef.current;
    if (!cell || !wrap) return;
    const c = cell.getBoundingClientRect();
    const w = wrap.getBoundingClientRect();
    const top = w.top + (head?.offsetHeight ?? 0);
    if (c.top < top) wrap.scrollTop -= top - c.top;
    else if (c.bottom > w.bottom) wrap.scrollTop += c.bottom - w.bottom;
  }, [cursor.row, cursor.col]);

  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (isComposing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    // Delete on a row (not while typing into a cell): take the worker out, after a confirmation.
    if (e.key === 'Delete' && cursorRef.current.draft === null && rows[cursorRef.current.row]) {
      e.preventDefault();
      removeWorker(rows[cursorRef.current.row]);
      return;
    }
    const r = gridKey(cursorRef.current, e.key, cols, rows.length);
    if (!r.handled) return;
    e.preventDefault();
    e.stopPropagation();
    setCursor(r.state);
    if (r.action) void apply(r.action);
  };

  if (loadError) {
    return (
      <div className="page" data-testid="class-page">
        <Alert type="error" showIcon message={msg(loadError)} />
        <Button className="mt" icon={<ArrowLeftOutlined />} onClick={onBack}>
          {t('classes.back')}
        </Button>
      </div>
    );
  }
  if (!detail || !cls) {
    return (
      <div className="page center-spin">
        <Spin />
      </div>
    );
  }

  const attendanceLabel = (a: AttendanceCode | null | undefined) => (a ? t(`attendance.${a}`) : '');
  const cellText = (p: Participant, c: Col): string => {
    const v = { ...p, ...pending[p.worker_id] };
    switch (c) {
      case 'attendance':
        return attendanceLabel(v.attendance);
      case 'sign_in':
        return v.sign_in ? v.sign_in.slice(-5) : '';
      case 'sign_out':
        return v.sign_out ? v.sign_out.slice(-5) : '';
      case 'hours':
        return v.hours_completed == null ? '' : String(v.hours_completed);
      case 'score':
        return v.latest_score == null ? '' : String(v.latest_score);
    }
  };
  const colTitle: Record<Col, string> = {
    attendance: t('grid.attendance'),
    sign_in: t('grid.signIn'),
    sign_out: t('grid.signOut'),
    hours: t('grid.hoursCompleted'),
    score: t('grid.score'),
  };

  return (
    <div className="page" data-testid="class-page">
      <div className="page-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} title={t('classes.back')} />
        <Typography.Title level={4} className="page-title">
          <span data-testid="class-title">{cls.title}</span>
        </Typography.Title>
        <Tag>{cls.mode === 'offline' ? t('classes.offline') : t('classes.online')}</Tag>
        {cls.incomplete && (
          <Tag color="red" data-testid="class-incomplete">
            {t('classes.incomplete')}
          </Tag>
        )}
      </div>
      <Descriptions size="small" bordered column={3}>
        <Descriptions.Item label={t('classes.time')}>
          {cls.starts_at} – {cls.ends_at.slice(-5)}
        </Descriptions.Item>
        <Descriptions.Item label={t('classes.hours')}>{cls.class_hours}</Descriptions.Item>
        <Descriptions.Item label={t('classes.trainer')}>{cls.trainer}</Descriptions.Item>
        {cls.mode === 'offline' && <Descriptions.Item label={t('classes.place')}>{cls.place}</Descriptions.Item>}
        <Descriptions.Item label={t('classes.participants')}>{cls.participant_count}</Descriptions.Item>
      </Descriptions>

      <div className="class-add">
        <Input
          ref={addRef}
          id="class_add_id"
          data-testid="class-add-id"
          className="mono"
          style={{ width: 320 }}
          placeholder={t('classPage.addPlaceholder')}
          value={addKey}
          onChange={(e) => setAddKey(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !isComposing(e)) {
              e.preventDefault();
              void addWorker();
            } else if (e.key === 'ArrowDown' && rows.length) {
              e.preventDefault();
              gridRef.current?.focus();
            }
          }}
        />
        <Button data-testid="class-add-submit" onClick={() => void addWorker()} loading={busy}>
          {t('classPage.add')}
        </Button>
        {cls.mode === 'online' && (
          <Button icon={<UploadOutlined />} data-testid="class-import-hours" onClick={() => setHoursOpen(true)}>
            {t('hours.open')}
          </Button>
        )}
        <span className="muted small">{t('classPage.keysHint')}</span>
      </div>
      {cls.mode === 'online' && (
        <HoursImport classId={id} open={hoursOpen} onClose={() => setHoursOpen(false)} onImported={() => void reload()} />
      )}
      {addError && <Alert className="mt" type="error" showIcon message={msg(addError)} data-testid="class-add-error" />}

      <div
        className="grid-wrap"
        tabIndex={0}
        ref={gridRef}
        data-testid="class-grid"
        onKeyDown={onGridKey}
        aria-label={t('grid.label')}
      >
        <table className="entry-grid">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('worker.name')}</th>
              <th>{t('worker.idNumber')}</th>
              {cols.map((c) => (
                <th key={c}>{colTitle[c]}</th>
              ))}
              <th>{t('grid.credited')}</th>
              <th>{t('grid.status')}</th>
              <th aria-label={t('classPage.remove')} />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={cols.length + 6} className="muted">
                  {t('classPage.empty')}
                </td>
              </tr>
            )}
            {rows.map((p, ri) => {
              const cellErrors = rowError?.workerId === p.worker_id ? fieldErrorsByColumn(rowError.error.fields, msg) : {};
              return (
                <tr key={p.worker_id} data-testid="grid-row" data-worker-id={p.worker_id}>
                  <td className="muted">{ri + 1}</td>
                  <td>
                    <a onClick={() => onOpenWorker(p.worker_id)} data-testid="grid-name">
                      {p.name}
                    </a>
                  </td>
                  <td className="mono">{p.id_number}</td>
                  {cols.map((c, ci) => {
                    const here = cursor.row === ri && cursor.col === ci;
                    const editing = here && cursor.draft !== null;
                    return (
                      <td
                        key={c}
                        data-testid={`cell-${c}`}
                        className={`grid-cell${here ? ' grid-cursor' : ''}${editing ? ' grid-editing' : ''}${
                          pending[p.worker_id] && (c === 'attendance' || c === 'sign_in' || c === 'sign_out') ? ' grid-pending' : ''
                        }${cellErrors[c] ? ' grid-error' : ''}`}
                        aria-invalid={cellErrors[c] ? true : undefined}
                        title={cellErrors[c]}
                        onClick={() => {
                          setCursor({ row: ri, col: ci, draft: null });
                          gridRef.current?.focus();
                        }}
                      >
                        {editing ? (
                          <span className="grid-draft">
                            {cursor.draft}
                            <span className="grid-caret" />
                          </span>
                        ) : (
                          cellText(p, c)
                        )}
                      </td>
                    );
                  })}
                  <td data-testid="cell-credited">{p.credited_hours}</td>
                  <td>
                    <Tag color={statusColor(p.status)} data-testid="grid-status">
                      {statusLabel(p.status)}
                    </Tag>
                    {rowError?.workerId === p.worker_id && (
                      <span className="error-text small" data-testid="grid-row-error">
                        {msg(rowError.error)}
                      </span>
                    )}
                  </td>
                  <td>
                    <Button
                      type="text"
                      size="small"
                      danger
                      tabIndex={-1}
                      icon={<DeleteOutlined />}
                      title={t('classPage.removeHint', { name: p.name })}
                      data-testid="grid-remove"
                      onClick={(e) => {
                        e.stopPropagation();
                        removeWorker(p);
                      }}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {cls.mode === 'offline' && (
        <SupervisionPanel
          // A form not filed yet starts from the attendance recorded so far.
          key={detail.supervision ? detail.supervision.id : `new-${detail.participants.filter((p) => p.attendance && p.attendance !== 'absent').length}`}
          detail={detail}
          onSaved={() => {
            message.success(t('sup.saved'));
            void reload();
          }}
        />
      )}
    </div>
  );
}
