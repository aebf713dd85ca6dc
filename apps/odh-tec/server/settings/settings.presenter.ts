import { maskSecret, presentConnection } from '../connections/connection.presenter.ts';
import type { S3ConnectionRow } from '../odh-tec.schema.ts';
import { maskedProxy } from './proxy-config.ts';
import type { SettingsView } from './settings.schema.ts';
import type { HuggingFaceStatus, OdhTecSettings } from './settings.service.ts';

/** `GET /api/settings`: connections and the token masked, proxy passwords masked (spec M13). */
export const presentSettings = (
  settings: OdhTecSettings,
  connections: S3ConnectionRow[],
  huggingface: HuggingFaceStatus,
  defaultLocationId: string,
): SettingsView => ({
  connections: connections.map(presentConnection),
  huggingface,
  maxConcurrentTransfers: settings.maxConcurrentTransfers,
  maxFilesPerPage: settings.maxFilesPerPage,
  proxy: maskedProxy(settings.proxy),
  defaultLocationId,
});

/** The token as the upstream `/api/settings/huggingface` shows it: masked, or '' when none applies. */
export const maskedHfToken = (huggingface: HuggingFaceStatus): string =>
  huggingface.tokenSet ? maskSecret(huggingface.tokenHint) : '';

/** The audit snapshot of the settings: no proxy password. */
export const auditedSettings = (settings: OdhTecSettings) => ({
  ...settings,
  proxy: maskedProxy(settings.proxy),
});
