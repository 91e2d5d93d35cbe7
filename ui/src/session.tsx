// Shared data of a signed-in session: app_state (reference lists, agency) and the current user.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Agency, AppState, Label, SessionUser } from './api';
import { useI18n } from './i18n';

type SessionCtx = {
  app: AppState;
  user: SessionUser;
  setAgency: (a: Agency) => void;
  /** After the manager changed the idle lock. */
  setIdleLock: (minutes: number) => void;
  statusLabel: (code: string) => string;
  serviceLabel: (code: string) => string;
  roleLabel: (role: string) => string;
};

const Ctx = createContext<SessionCtx | null>(null);

function findLabel<T extends string>(list: Label<T>[], code: string, pick: (l: Label<T>) => string): string {
  const l = list.find((x) => x.code === code);
  return l ? pick(l) : code;
}

export function SessionProvider({
  app,
  user,
  setAgency,
  setIdleLock = () => undefined,
  children,
}: {
  app: AppState;
  user: SessionUser;
  setAgency: (a: Agency) => void;
  setIdleLock?: (minutes: number) => void;
  children: ReactNode;
}) {
  const { label, t } = useI18n();
  const value = useMemo<SessionCtx>(
    () => ({
      app,
      user,
      setAgency,
      setIdleLock,
      statusLabel: (code) => findLabel(app.statuses, code, label),
      serviceLabel: (code) => findLabel(app.service_types, code, label),
      roleLabel: (role) => (role === 'manager' ? t('role.manager') : role === 'clerk' ? t('role.clerk') : role),
    }),
    [app, user, setAgency, setIdleLock, label, t],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useSession outside SessionProvider');
  return c;
}
