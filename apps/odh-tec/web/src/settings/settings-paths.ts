import { odhTecApi } from '../api/odh-tec-api.ts';

export const settingsPath = `${odhTecApi}/settings`;
export const connectionsPath = `${odhTecApi}/settings/connections`;
export const hfTokenPath = `${odhTecApi}/settings/huggingface/token`;
