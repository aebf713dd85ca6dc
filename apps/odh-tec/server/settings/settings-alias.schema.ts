import { Type } from 'typebox';
import { MaxConcurrentTransfers, MaxFilesPerPage, ProxyTestBody, ProxyView } from './settings.schema.ts';

/** The v2.1.1 answer to every settings write: `{message}`. */
export const UpstreamMessage = Type.Object({ message: Type.String() });

export const S3SettingsAlias = Type.Object({
  settings: Type.Object({
    accessKeyId: Type.String(),
    /** `****` and the last four characters, or '' when none is set */
    secretAccessKey: Type.String(),
    region: Type.String(),
    endpoint: Type.String(),
    defaultBucket: Type.String(),
  }),
});

export const S3SettingsAliasBody = Type.Object({
  /** access key id */
  accessKeyId: Type.String({ minLength: 1, maxLength: 256 }),
  /** a new secret; omitted or masked keeps the stored one (write-only) */
  secretAccessKey: Type.Optional(Type.String({ maxLength: 1024 })),
  /** signing region, default `us-east-1` */
  region: Type.Optional(Type.String({ maxLength: 64 })),
  /** http(s) URL of the S3 endpoint */
  endpoint: Type.String({ pattern: '^https?://', maxLength: 2048 }),
  /** bucket opened first */
  defaultBucket: Type.Optional(Type.String({ maxLength: 63 })),
});

export const HfSettingsAlias = Type.Object({
  settings: Type.Object({
    /** masked token, or '' when none applies */
    hfToken: Type.String(),
  }),
});

export const HfAliasBody = Type.Object({
  /** the token; `""` clears it, the masked value keeps it */
  hfToken: Type.String({ maxLength: 1024 }),
});

export const HfAliasTestBody = Type.Object({
  /** a token to test instead of the stored one */
  hfToken: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const HfAliasTestResult = Type.Object({
  message: Type.String(),
  /** the token's display name on the Hub */
  accessTokenDisplayName: Type.String(),
});

export const MaxConcurrentTransfersAlias = Type.Object({ maxConcurrentTransfers: MaxConcurrentTransfers });
export const MaxFilesPerPageAlias = Type.Object({ maxFilesPerPage: MaxFilesPerPage });

export const ProxySettingsAlias = Type.Object({ settings: ProxyView });
export const ProxyAliasBody = Type.Partial(ProxyView);
export const ProxyAliasTestBody = ProxyTestBody;
