import type { ReactNode } from 'react';

/** Props for an antd Form.Item that shows (or not) a server/client error beside its field. */
export function fieldStatus(field: string, error: ReactNode | null | undefined, extra?: ReactNode) {
  if (!error) return extra ? { help: extra } : {};
  return {
    validateStatus: 'error' as const,
    help: (
      <span data-testid={`error-${field}`} className="field-error">
        {error}
        {extra}
      </span>
    ),
  };
}
