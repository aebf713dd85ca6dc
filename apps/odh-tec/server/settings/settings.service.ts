import type { Subscription } from '@platform/kernel/bus/bus.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { mergeProxy, type ProxySettings, proxyFromEnv } from './proxy-config.ts';
import { SettingsRepository } from './settings.repository.ts';

/** Published after every change so that every process (API replicas, workers) applies it (spec "Scheduler"). */
export const SETTINGS_CHANGED_SUBJECT = 'odh-tec.settings.changed';

/** Ranges of the numeric settings (spec 01-odh-tec "API" PATCH `/api/settings`). */
export const SETTINGS_LIMITS = {
  maxConcurrentTransfers: { minimum: 1, maximum: 32 },
  maxFilesPerPage: { minimum: 10, maximum: 1000 },
} as const;

const HF_TOKEN_SECRET = 'hf_token';
const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';
/** Secrets shorter than this show no characters in their mask, as for connection secrets. */
const MIN_SECRET_FOR_HINT = 12;

/** The global settings of the app. */
export interface OdhTecSettings {
  maxConcurrentTransfers: number;
  maxFilesPerPage: number;
  proxy: ProxySettings;
  /** the persisted choice; null → the location service's rule (`default` with a Data Connection, else `embedded`) */
  defaultLocationId: string | null;
}

export type SettingsPatch = Partial<Omit<OdhTecSettings, 'proxy'>> & { proxy?: Partial<ProxySettings> };

export type SettingsListener = (current: OdhTecSettings, previous: OdhTecSettings) => void;

/** The Hugging Face token as the API may show it: whether one applies and its last four characters. */
export interface HuggingFaceStatus {
  tokenSet: boolean;
  tokenHint: string;
  endpoint: string;
}

const intInRange = (raw: string | undefined, limits: { minimum: number; maximum: number }, fallback: number) => {
  const value = Number(raw?.trim());
  return raw?.trim() && Number.isInteger(value) && value >= limits.minimum && value <= limits.maximum
    ? value
    : fallback;
};

/** Initial values from `MAX_CONCURRENT_TRANSFERS` (2), `MAX_FILES_PER_PAGE` (100) and the proxy variables (spec "Configuration"). */
export function settingsFromEnv(env: Record<string, string | undefined>): OdhTecSettings {
  return {
    maxConcurrentTransfers: intInRange(env.MAX_CONCURRENT_TRANSFERS, SETTINGS_LIMITS.maxConcurrentTransfers, 2),
    maxFilesPerPage: intInRange(env.MAX_FILES_PER_PAGE, SETTINGS_LIMITS.maxFilesPerPage, 100),
    proxy: proxyFromEnv(env),
    defaultLocationId: null,
  };
}

/** The last four characters of a secret, or nothing for short ones (the mask shows `****` + hint). */
export const secretHint = (secret: string): string => (secret.length >= MIN_SECRET_FOR_HINT ? secret.slice(-4) : '');
/** A value starting with the mask is the masked secret sent back: it keeps the stored one. */
export const isMaskedSecret = (value: string | undefined): boolean => value === undefined || value.startsWith('****');

const copy = (settings: OdhTecSettings): OdhTecSettings => ({ ...settings, proxy: { ...settings.proxy } });
const same = (a: OdhTecSettings, b: OdhTecSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The app's global settings: environment defaults overridden by the `settings` table, kept in memory for synchronous
 * reads (the transfer scheduler, the default location), and re-read whenever any process announces a change on the bus.
 */
export class SettingsService {
  readonly repository: SettingsRepository;
  readonly #kernel: Kernel;
  readonly #defaults: OdhTecSettings;
  #current: OdhTecSettings;
  #loading: Promise<void> | undefined;
  #subscription: Subscription | undefined;
  readonly #listeners = new Set<SettingsListener>();

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.repository = new SettingsRepository(kernel.db.orm);
    this.#defaults = settingsFromEnv(kernel.config.env);
    this.#current = copy(this.#defaults);
  }

  /** Loads the persisted settings once and follows changes made by other processes; safe to call repeatedly. */
  ready(): Promise<void> {
    this.#loading ??= (async () => {
      this.#subscription = this.#kernel.bus.subscribe(SETTINGS_CHANGED_SUBJECT, () => this.reload());
      await this.reload();
    })();
    return this.#loading;
  }

  /** A copy of the current settings. */
  get(): OdhTecSettings {
    return copy(this.#current);
  }

  /** Transfer slots per process (spec "Scheduler"). */
  maxConcurrentTransfers(): number {
    return this.#current.maxConcurrentTransfers;
  }

  /** Calls `listener` after each change, in this process or announced by another; returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads the table and notifies listeners when something changed. */
  async reload(): Promise<void> {
    const stored = await this.repository.allSettings();
    const next = copy(this.#defaults);
    const numberOf = (key: string) => (typeof stored.get(key) === 'number' ? (stored.get(key) as number) : undefined);
    next.maxConcurrentTransfers = numberOf('maxConcurrentTransfers') ?? next.maxConcurrentTransfers;
    next.maxFilesPerPage = numberOf('maxFilesPerPage') ?? next.maxFilesPerPage;
    const proxy = stored.get('proxy');
    if (proxy && typeof proxy === 'object') next.proxy = { ...next.proxy, ...(proxy as Partial<ProxySettings>) };
    const location = stored.get('defaultLocationId');
    next.defaultLocationId = typeof location === 'string' ? location : null;
    this.#apply(next);
  }

  /**
   * Validates, persists and applies a change, then announces it on the bus. Ranges are checked by the route schema;
   * proxy URLs here (400 `invalid_proxy_url`). A masked proxy password keeps the stored one.
   */
  async update(patch: SettingsPatch, userId: string): Promise<OdhTecSettings> {
    const proxy = patch.proxy && mergeProxy(this.#current.proxy, patch.proxy);
    const { repository } = this;
    if (patch.maxConcurrentTransfers !== undefined) {
      await repository.putSetting('maxConcurrentTransfers', patch.maxConcurrentTransfers, userId);
    }
    if (patch.maxFilesPerPage !== undefined)
      await repository.putSetting('maxFilesPerPage', patch.maxFilesPerPage, userId);
    if (proxy) await repository.putSetting('proxy', proxy, userId);
    if (patch.defaultLocationId === null) await repository.deleteSetting('defaultLocationId');
    else if (patch.defaultLocationId !== undefined) {
      await repository.putSetting('defaultLocationId', patch.defaultLocationId, userId);
    }
    await this.reload();
    await this.#kernel.bus.publish(SETTINGS_CHANGED_SUBJECT, { keys: Object.keys(patch) });
    return this.get();
  }

  /** `HF_ENDPOINT` (env only, spec "Security"), without a trailing slash. */
  hfEndpoint(): string {
    return (this.#kernel.config.env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  }

  /** The Hub token to use: the stored one, else `HF_TOKEN`; '' when neither is set. */
  async hfToken(): Promise<string> {
    const row = await this.repository.findSecret(HF_TOKEN_SECRET);
    if (row) return this.#kernel.secrets.decrypt(row.valueEnc).toString('utf8');
    return this.#kernel.config.env.HF_TOKEN?.trim() ?? '';
  }

  /** The token a test uses: the one sent (unless masked or omitted), else the saved one. */
  async hfTokenToTest(sent: string | undefined): Promise<string> {
    return isMaskedSecret(sent) ? this.hfToken() : sent!.trim();
  }

  async huggingface(): Promise<HuggingFaceStatus> {
    const row = await this.repository.findSecret(HF_TOKEN_SECRET);
    const envToken = this.#kernel.config.env.HF_TOKEN?.trim() ?? '';
    return {
      tokenSet: Boolean(row) || envToken !== '',
      tokenHint: row ? row.hint : secretHint(envToken),
      endpoint: this.hfEndpoint(),
    };
  }

  /** Stores the token encrypted; the masked value (or undefined) keeps it, `''` clears it. Returns what happened. */
  async setHfToken(token: string | undefined, userId: string): Promise<'kept' | 'set' | 'cleared'> {
    if (isMaskedSecret(token)) return 'kept';
    const value = token!.trim();
    if (value === '') {
      await this.repository.deleteSecret(HF_TOKEN_SECRET);
      return 'cleared';
    }
    await this.repository.putSecret(HF_TOKEN_SECRET, this.#kernel.secrets.encrypt(value), secretHint(value), userId);
    return 'set';
  }

  /** Stops following the bus. */
  close(): void {
    this.#subscription?.unsubscribe();
    this.#listeners.clear();
  }

  #apply(next: OdhTecSettings): void {
    const previous = this.#current;
    if (same(previous, next)) return;
    this.#current = next;
    for (const listener of this.#listeners) {
      try {
        listener(copy(next), copy(previous));
      } catch (error) {
        this.#kernel.logger.error({ err: error }, 'odh-tec settings listener failed');
      }
    }
  }
}

const services = new WeakMap<Kernel, SettingsService>();

/** The one settings service of a kernel (shared by routes, the location service and the transfer scheduler). */
export function settingsServiceOf(kernel: Kernel): SettingsService {
  let service = services.get(kernel);
  if (!service) {
    service = new SettingsService(kernel);
    services.set(kernel, service);
  }
  return service;
}
