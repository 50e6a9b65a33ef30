import { useTranslation } from 'react-i18next';
import { PACKAGE_NAME } from './constants';

/** Translations come from src/locale/<lang>.json, served by the host under the package's namespace. */
export function useMailTranslation() {
  const { t } = useTranslation([PACKAGE_NAME, 'client'], { nsMode: 'fallback' });
  return { t: (key: string, options?: Record<string, unknown>) => t(key, options) as string };
}
