import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import Alert from 'antd/es/alert';
import AntApp from 'antd/es/app';
import Button from 'antd/es/button';
import ConfigProvider from 'antd/es/config-provider';
import Layout from 'antd/es/layout';
import Menu from 'antd/es/menu';
import Spin from 'antd/es/spin';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import LogoutOutlined from '@ant-design/icons/LogoutOutlined';
import * as api from './api';
import type { Agency, ApiError, AgencyInput, AppState, SessionUser, Worker } from './api';
import { I18nProvider, useI18n } from './i18n';
import { SessionProvider, useSession } from './session';
import { LangSwitch } from './components/LangSwitch';
import LoginPage from './features/login/LoginPage';
import LockScreen from './features/lock/LockScreen';
import { useIdle } from './features/lock/useIdle';
import WorkerList, { type ListState } from './features/workers/WorkerList';
import { isComposing, isTypingTarget } from './util';

// Screens not needed for the first paint of the worker list load on demand.
const SetupPage = lazy(() => import('./features/setup/SetupPage'));
const EnrolScreen = lazy(() => import('./features/enrol/EnrolScreen'));
const WorkerPage = lazy(() => import('./features/workers/WorkerPage'));
const AgencyPage = lazy(() => import('./features/agency/AgencyPage'));
const UsersPage = lazy(() => import('./features/users/UsersPage'));
import SyncIndicator from './features/sync/SyncIndicator';
import { useSyncStatus } from './features/sync/useSyncStatus';

const SyncPage = lazy(() => import('./features/sync/SyncPage'));
const HomePage = lazy(() => import('./features/home/HomePage'));
const ClassesPage = lazy(() => import('./features/training/ClassesPage'));
const ClassPage = lazy(() => import('./features/training/ClassPage'));
const ImportPage = lazy(() => import('./features/import/ImportPage'));
const RosterPage = lazy(() => import('./features/roster/RosterPage'));
const CardsPage = lazy(() => import('./features/cards/CardsPage'));
const VerifyPage = lazy(() => import('./features/cards/VerifyPage'));
const TrainingSettingsPage = lazy(() => import('./features/training/TrainingSettingsPage'));

// No motion: clerks work at keyboard speed, and stale help texts/dialogs must go at once.
export const THEME = {
  token: {
    motion: false,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif",
    borderRadius: 4,
  },
};

export default function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>
        <Root />
      </AntApp>
    </ConfigProvider>
  );
}

const fullSpin = (
  <div className="center-page">
    <Spin />
  </div>
);

function Root() {
  const { t, msg } = useI18n();
  const { message } = AntApp.useApp();
  const [app, setApp] = useState<AppState | null>(null);
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    setLoadError(null);
    api
      .appState()
      .finally(() => api.mark('app_state'))
      .then((s) => {
        setApp(s);
        setUser(s.user);
      })
      .catch((e: unknown) => setLoadError(api.toApiError(e)));
  }, []);
  useEffect(load, [load]);

  // While locked, the screens underneath may still poll (the sync indicator) and be refused:
  // that must not end the session a second time and drop what they hold.
  const lockedRef = useRef(false);
  useEffect(() => {
    api.setUnauthorizedHandler(() => {
      if (lockedRef.current) return;
      setUser((u) => {
        if (u) message.warning(t('login.sessionExpired'));
        return null;
      });
    });
    return () => api.setUnauthorizedHandler(null);
  }, [message, t]);

  const setAgency = useCallback((a: Agency) => setApp((s) => (s ? { ...s, agency: a } : s)), []);
  const setIdleLock = useCallback((n: number) => setApp((s) => (s ? { ...s, idle_lock_minutes: n } : s)), []);

  // 闲置锁定: after the manager's idle time the desk's session ends and the window is covered
  // until the same user's password is typed again; what is on the screen stays underneath.
  const [locked, setLocked] = useState(false);
  lockedRef.current = locked;
  const lock = useCallback(() => {
    lockedRef.current = true;
    setLocked(true);
    void api.logout().catch(() => undefined);
  }, []);
  useIdle(app?.idle_lock_minutes ?? 0, !!user && !locked, lock);

  const onSetupDone = useCallback(
    async (u: SessionUser, agency: AgencyInput) => {
      let next: AppState | null = null;
      try {
        next = await api.appState();
      } catch {
        /* fall back to what we sent */
      }
      setApp((s) =>
        next ?? (s ? { ...s, has_users: true, agency: s.agency ?? { ...agency, updated_at: '' }, user: u } : s),
      );
      setUser(next?.user ?? u);
    },
    [],
  );

  if (loadError) {
    return (
      <div className="center-page">
        <Alert
          type="error"
          showIcon
          message={t('app.loadFailed')}
          description={msg(loadError)}
          action={
            <Button size="small" onClick={load}>
              {t('common.retry')}
            </Button>
          }
        />
      </div>
    );
  }
  if (!app) return fullSpin;
  if (!app.agency || !app.has_users) {
    return (
      <Suspense fallback={fullSpin}>
        <SetupPage districts={app.districts} onDone={onSetupDone} onJoined={load} />
      </Suspense>
    );
  }
  if (!user) return <LoginPage agencyName={app.agency.name} onLogin={setUser} />;
  return (
    <SessionProvider app={app} user={user} setAgency={setAgency} setIdleLock={setIdleLock}>
      <div aria-hidden={locked || undefined} className={locked ? 'locked-under' : undefined}>
        <Main onLoggedOut={() => setUser(null)} />
      </div>
      {locked && (
        <LockScreen
          user={user}
          minutes={app.idle_lock_minutes}
          onUnlock={(u) => {
            setUser(u);
            setLocked(false);
          }}
          onSwitchUser={() => {
            setLocked(false);
            setUser(null);
          }}
        />
      )}
    </SessionProvider>
  );
}

export type View =
  | { name: 'workers' }
  | { name: 'enrol' }
  | { name: 'worker'; id: string }
  | { name: 'edit'; id: string }
  | { name: 'agency' }
  | { name: 'users' }
  | { name: 'sync' }
  | { name: 'home' }
  | { name: 'classes' }
  | { name: 'class'; id: string }
  | { name: 'import' }
  | { name: 'roster' }
  | { name: 'settings' }
  | { name: 'cards' }
  | { name: 'verify' };

function focusSearch() {
  setTimeout(() => {
    const el = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
    el?.focus();
    el?.select();
  }, 0);
}

function Main({ onLoggedOut }: { onLoggedOut: () => void }) {
  const { t } = useI18n();
  const { modal } = AntApp.useApp();
  const { app, user, roleLabel } = useSession();
  const [view, setView] = useState<View>({ name: 'workers' });
  const [list, setList] = useState<ListState>({ query: '', status: '' });
  const dirty = useRef(false);
  const confirming = useRef(false);
  const isManager = user.role === 'manager';
  const [syncStatus, refreshSync] = useSyncStatus();

  const onDirtyChange = useCallback((d: boolean) => {
    dirty.current = d;
  }, []);

  /** Go somewhere; an unsaved form asks first. */
  const guard = useCallback(
    (go: () => void) => {
      if (!dirty.current) return go();
      if (confirming.current) return;
      confirming.current = true;
      modal.confirm({
        title: t('enrol.discardTitle'),
        content: t('enrol.discardBody'),
        okText: t('enrol.discardOk'),
        cancelText: t('enrol.keepEditing'),
        okButtonProps: { danger: true },
        onOk: () => {
          dirty.current = false;
          go();
        },
        afterClose: () => {
          confirming.current = false;
        },
      });
    },
    [modal, t],
  );
  const navigate = useCallback((v: View) => guard(() => setView(v)), [guard]);

  // Global shortcuts: Ctrl+N / F2 → enrol; Ctrl+F or "/" → search; Ctrl+, → training settings.
  useEffect(() => {
    const h = (e: KeyboardEvent) => {
      if (isComposing(e)) return;
      const ctrl = (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
      const k = e.key.toLowerCase();
      if (ctrl && e.key === ',' && isManager) {
        e.preventDefault();
        if (view.name !== 'settings') navigate({ name: 'settings' });
      } else if (e.key === 'F4' && !e.ctrlKey && !e.altKey) {
        // F4: the verify box, ready for the scanner.
        e.preventDefault();
        if (view.name !== 'verify') navigate({ name: 'verify' });
      } else if ((ctrl && k === 'n') || (e.key === 'F2' && !e.ctrlKey && !e.altKey)) {
        e.preventDefault();
        if (view.name !== 'enrol') navigate({ name: 'enrol' });
      } else if ((ctrl && k === 'f') || (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target))) {
        if (document.querySelector('.ant-modal-wrap:not([style*="display: none"])')) return;
        e.preventDefault();
        if (view.name === 'workers') focusSearch();
        else guard(() => {
          setView({ name: 'workers' });
          focusSearch();
        });
      }
    };
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, [view, navigate, guard, isManager]);

  const logout = () =>
    guard(() => {
      void api.logout().catch(() => undefined);
      onLoggedOut();
    });

  const toList = useCallback(() => setView({ name: 'workers' }), []);
  const openWorker = useCallback((id: string) => navigate({ name: 'worker', id }), [navigate]);
  const openWorkerForce = useCallback((id: string) => setView({ name: 'worker', id }), []);
  const onSaved = useCallback((w: Worker) => {
    dirty.current = false;
    setView({ name: 'worker', id: w.id });
  }, []);

  const openClass = useCallback((id: string) => navigate({ name: 'class', id }), [navigate]);
  const selected =
    view.name === 'worker' || view.name === 'edit' ? 'workers' : view.name === 'class' ? 'classes' : view.name;
  const items = [
    { key: 'home', label: <span data-testid="nav-home">{t('nav.home')}</span> },
    { key: 'workers', label: <span data-testid="nav-workers">{t('nav.workers')}</span> },
    {
      key: 'enrol',
      label: (
        <span className="nav-with-key">
          <span data-testid="nav-enrol">{t('nav.enrol')}</span>
          <span className="kbd">Ctrl+N</span>
        </span>
      ),
    },
    { key: 'classes', label: <span data-testid="nav-classes">{t('nav.classes')}</span> },
    { key: 'import', label: <span data-testid="nav-import">{t('nav.import')}</span> },
    { key: 'roster', label: <span data-testid="nav-roster">{t('nav.roster')}</span> },
    { key: 'cards', label: <span data-testid="nav-cards">{t('nav.cards')}</span> },
    {
      key: 'verify',
      label: (
        <span className="nav-with-key">
          <span data-testid="nav-verify">{t('nav.verify')}</span>
          <span className="kbd">F4</span>
        </span>
      ),
    },
    ...(isManager
      ? [
          { key: 'agency', label: <span data-testid="nav-agency">{t('nav.agency')}</span> },
          { key: 'users', label: <span data-testid="nav-users">{t('nav.users')}</span> },
          {
            key: 'settings',
            label: (
              <span className="nav-with-key">
                <span data-testid="nav-settings">{t('nav.settings')}</span>
                <span className="kbd">Ctrl+,</span>
              </span>
            ),
          },
        ]
      : []),
    { key: 'sync', label: <span data-testid="nav-sync">{t('nav.sync')}</span> },
  ];

  let content;
  switch (view.name) {
    case 'workers':
      content = <WorkerList state={list} onState={setList} onOpen={openWorker} />;
      break;
    case 'enrol':
      content = (
        <EnrolScreen onSaved={onSaved} onCancel={toList} onOpenWorker={openWorker} onDirtyChange={onDirtyChange} />
      );
      break;
    case 'edit':
      content = (
        <EnrolScreen
          key={view.id}
          workerId={view.id}
          onSaved={onSaved}
          onCancel={() => openWorkerForce(view.id)}
          onOpenWorker={openWorker}
          onDirtyChange={onDirtyChange}
        />
      );
      break;
    case 'worker':
      content = (
        <WorkerPage
          key={view.id}
          id={view.id}
          onEdit={() => setView({ name: 'edit', id: view.id })}
          onBack={toList}
          onOpenClass={openClass}
        />
      );
      break;
    case 'agency':
      content = isManager ? <AgencyPage /> : null;
      break;
    case 'users':
      content = isManager ? <UsersPage /> : null;
      break;
    case 'sync':
      content = <SyncPage status={syncStatus} refresh={refreshSync} onOpenWorker={openWorker} />;
      break;
    case 'home':
      content = (
        <HomePage
          onOpenWorker={openWorker}
          onOpenStatus={(status) => {
            setList({ query: '', status });
            setView({ name: 'workers' });
          }}
        />
      );
      break;
    case 'classes':
      content = <ClassesPage onOpen={openClass} />;
      break;
    case 'class':
      content = (
        <ClassPage key={view.id} id={view.id} onBack={() => setView({ name: 'classes' })} onOpenWorker={openWorker} />
      );
      break;
    case 'import':
      content = <ImportPage onOpenWorkers={toList} />;
      break;
    case 'roster':
      content = <RosterPage />;
      break;
    case 'settings':
      content = isManager ? <TrainingSettingsPage /> : null;
      break;
    case 'cards':
      content = <CardsPage />;
      break;
    case 'verify':
      content = <VerifyPage onOpenWorker={openWorker} />;
      break;
  }

  return (
    <Layout className="main-layout">
      <Layout.Header className="app-header">
        <span className="app-title">{t('app.title')}</span>
        <span className="agency-name" data-testid="agency-name">
          {app.agency?.name}
        </span>
        <span className="grow" />
        <SyncIndicator status={syncStatus} onOpen={() => navigate({ name: 'sync' })} />
        <span className="current-user" data-testid="current-user">
          {t('header.user', { name: user.display_name, role: roleLabel(user.role) })}
        </span>
        <LangSwitch />
        <Button type="text" size="small" icon={<LogoutOutlined />} data-testid="logout" onClick={logout}>
          {t('header.logout')}
        </Button>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={150} theme="light" className="app-sider">
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            onClick={({ key }) => navigate({ name: key } as View)}
          />
        </Layout.Sider>
        <Layout.Content className="app-content">
          <Suspense fallback={<div className="page center-spin"><Spin /></div>}>{content}</Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
