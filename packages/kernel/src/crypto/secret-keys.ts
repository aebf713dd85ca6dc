import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/load-config.ts';
import { generateKey } from './fernet.ts';
import { MultiFernet } from './multi-fernet.ts';

/**
 * The platform's secret keys: `PLATFORM_SECRET_KEYS` when set; in embedded mode a key generated once into
 * DATA_DIR/secret-keys. With an external database the keys must be configured, since replicas would otherwise each
 * invent their own and fail to read each other's secrets.
 */
export function loadSecretKeys(options: { configured?: string[]; dataDir: string; external: boolean }): MultiFernet {
  if (options.configured?.length) return new MultiFernet(options.configured);
  if (options.external) {
    throw new ConfigError(
      'invalid configuration:\n  PLATFORM_SECRET_KEYS is required when DATABASE_URL is set (all replicas must share the keys)',
    );
  }
  const file = join(options.dataDir, 'secret-keys');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  }
  const keys = readFileSync(file, 'utf8')
    .split(/[\n,]/)
    .map((key) => key.trim())
    .filter(Boolean);
  return new MultiFernet(keys);
}
