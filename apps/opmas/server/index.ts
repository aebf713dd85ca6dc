import { opmasApp } from './opmas.app.ts';

/** The kernel discovers apps by this file's default export (packages/kernel/src/apps/app-registry.ts). */
export default opmasApp;
