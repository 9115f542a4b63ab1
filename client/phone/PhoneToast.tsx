import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Long enough to read on the move, short enough not to cover the next one. */
const TOAST_MS = 4000;

/**
 * A phone page's passing message (queued, sent, a new task). When the outbox empties it says so at
 * once, replacing a "will be sent" that no longer holds.
 */
export function usePhoneToast(pendingCount: number): [string | null, (text: string | null) => void] {
  const { t } = useTranslation();
  const [toast, setToast] = useState<string | null>(null);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  const hadPending = useRef(pendingCount > 0);
  useEffect(() => {
    if (hadPending.current && pendingCount === 0) setToast(t('field.sent'));
    hadPending.current = pendingCount > 0;
  }, [pendingCount, t]);
  return [toast, setToast];
}

export function PhoneToast({ toast }: { toast: string | null }) {
  if (!toast) return null;
  return (
    <p className="field-toast" role="status" data-testid="field-toast">
      {toast}
    </p>
  );
}
