import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import Alert from 'antd/es/alert';
import Input from 'antd/es/input';
import Segmented from 'antd/es/segmented';
import Tag from 'antd/es/tag';
import SearchOutlined from '@ant-design/icons/SearchOutlined';
import * as api from '../../api';
import type { ApiError, SearchResult, WorkerStatus } from '../../api';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { formatTime, isComposing, statusColor } from '../../util';

export const SEARCH_LIMIT = 50;
export const SEARCH_DEBOUNCE_MS = 120;
const ALL = '__all__';

let uiReadySent = false;
/** ui_ready is sent once per app run, after the first list has rendered. */
function signalUiReady() {
  if (uiReadySent) return;
  uiReadySent = true;
  api.mark('list_data');
  const send = () => {
    api.mark('list_painted');
    void api.uiReady().catch(() => undefined);
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(send, 0));
  else setTimeout(send, 0);
}
/** Test-only. */
export function _resetUiReady() {
  uiReadySent = false;
}

/** `status` '' lists every status. */
export type ListState = { query: string; status: WorkerStatus | '' };

export default function WorkerList({
  state,
  onState,
  onOpen,
}: {
  state: ListState;
  onState: (s: ListState) => void;
  onOpen: (id: string) => void;
}) {
  const { t, msg } = useI18n();
  const { app, statusLabel } = useSession();
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  const [composing, setComposing] = useState(false);
  const seq = useRef(0);
  const pending = useRef(false);
  const openWhenDone = useRef(false);
  const first = useRef(true);
  const boxRef = useRef<HTMLDivElement>(null);

  const { query, status } = state;

  useEffect(() => {
    if (composing) return; // wait for the IME to commit
    const my = ++seq.current;
    pending.current = true;
    if (first.current) api.mark('list_mounted');
    const delay = first.current ? 0 : SEARCH_DEBOUNCE_MS;
    first.current = false;
    const timer = setTimeout(() => {
      setLoading(true);
      const whole = !query.trim() && !status && SEARCH_LIMIT === 50;
      (whole ? api.initialWorkerList(SEARCH_LIMIT) : api.workerSearch(query.trim(), status || null, SEARCH_LIMIT))
        .then((r) => {
          if (my !== seq.current) return; // a newer search is on its way
          setResult(r);
          setError(null);
          setActive(0);
          if (openWhenDone.current) {
            openWhenDone.current = false;
            if (r.items[0]) onOpen(r.items[0].id);
          }
        })
        .catch((e: unknown) => {
          if (my !== seq.current) return;
          setError(api.toApiError(e));
          openWhenDone.current = false;
        })
        .finally(() => {
          if (my !== seq.current) return;
          pending.current = false;
          setLoading(false);
          signalUiReady();
        });
    }, delay);
    return () => clearTimeout(timer);
    // onOpen is stable enough; re-running on its identity would re-search needlessly
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, status, composing]);

  const items = result?.items ?? [];

  useEffect(() => {
    const id = items[active]?.id;
    if (!id || !boxRef.current) return;
    const rows = boxRef.current.querySelectorAll<HTMLElement>('[data-worker-id]');
    const row = Array.from(rows).find((r) => r.dataset.workerId === id);
    if (row && typeof row.scrollIntoView === 'function') row.scrollIntoView({ block: 'nearest' });
  }, [active, items]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (isComposing(e)) return;
    const target = e.target as HTMLElement;
    const inSearch = target.getAttribute('data-testid') === 'search-input';
    if (!inSearch && target !== boxRef.current) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(items.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (pending.current) openWhenDone.current = true;
      else if (items[active]) onOpen(items[active].id);
    } else if (e.key === 'Escape' && inSearch && query) {
      e.preventDefault();
      onState({ ...state, query: '' });
    }
  };

  const statusOptions = [
    { value: ALL, label: <span data-testid="status-all">{t('workers.allStatuses')}</span> },
    ...app.statuses.map((s) => ({
      value: s.code,
      label: <span data-testid={`status-${s.code}`}>{statusLabel(s.code)}</span>,
    })),
  ];

  return (
    <div className="worker-list" onKeyDown={onKeyDown}>
      <div className="list-toolbar">
        <Input
          id="search_input"
          data-testid="search-input"
          className="search-input"
          autoFocus
          allowClear
          autoComplete="off"
          spellCheck={false}
          prefix={<SearchOutlined />}
          placeholder={t('workers.searchPlaceholder')}
          value={query}
          onChange={(e) => onState({ ...state, query: e.target.value })}
          onCompositionStart={() => setComposing(true)}
          onCompositionEnd={(e) => {
            setComposing(false);
            onState({ ...state, query: (e.target as HTMLInputElement).value });
          }}
        />
        <div data-testid="status-filter" className="status-filter">
          <Segmented
            value={status || ALL}
            options={statusOptions}
            // The options are the shell's status codes (AppState.statuses).
            onChange={(v) => onState({ ...state, status: v === ALL ? '' : (v as WorkerStatus) })}
          />
        </div>
      </div>
      <div className="list-meta">
        <span data-testid="worker-total">{t('workers.total', { n: `${result?.total ?? 0}${result?.total_capped ? '+' : ''}` })}</span>
        {result && result.total > items.length && (
          <span className="muted">{t('workers.showingFirst', { n: items.length })}</span>
        )}
        <span className="muted keys-hint">{t('workers.keysHint')}</span>
      </div>
      {error && <Alert type="error" showIcon className="form-alert" message={msg(error)} />}
      <div ref={boxRef} data-testid="worker-table" className="worker-table" tabIndex={-1}>
        <table className="wl-table" aria-rowcount={items.length}>
          <colgroup>
            <col style={{ width: 110 }} />
            <col style={{ width: 190 }} />
            <col style={{ width: 56 }} />
            <col style={{ width: 130 }} />
            <col style={{ width: 100 }} />
            <col />
            <col style={{ width: 140 }} />
          </colgroup>
          <thead>
            <tr>
              <th>{t('worker.name')}</th>
              <th>{t('worker.idNumber')}</th>
              <th>{t('worker.gender')}</th>
              <th>{t('worker.phone')}</th>
              <th>{t('worker.status')}</th>
              <th>{t('worker.certificateCode')}</th>
              <th>{t('worker.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r, i) => (
              <tr
                key={r.id}
                data-testid="worker-row"
                data-worker-id={r.id}
                aria-selected={i === active}
                className={i === active ? 'row-active' : undefined}
                onClick={() => onOpen(r.id)}
                onMouseMove={() => i !== active && setActive(i)}
              >
                <td className="ellipsis">{r.name}</td>
                <td className="mono">{r.id_number}</td>
                <td>{r.gender === 'male' ? t('gender.male') : r.gender === 'female' ? t('gender.female') : r.gender}</td>
                <td className="mono">{r.phone}</td>
                <td>
                  <Tag color={statusColor(r.status)}>{statusLabel(r.status)}</Tag>
                </td>
                <td className="ellipsis mono">{r.certificate_code || <span className="muted">—</span>}</td>
                <td className="mono">{formatTime(r.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result && !items.length && (
          <div className="wl-empty muted">{query.trim() || status ? t('workers.noMatch') : t('workers.empty')}</div>
        )}
        {!result && loading && <div className="wl-empty muted">…</div>}
      </div>
    </div>
  );
}
