interface Endpoint {
  type?: string;
  locationId?: string;
  path?: string;
  modelId?: string;
}

/** `location:path` of a transfer end, or the Hub model for imports. */
export function describeEndpoint(value: unknown): string {
  if (!value || typeof value !== 'object') return '—';
  const endpoint = value as Endpoint;
  if (endpoint.modelId) return `huggingface:${endpoint.modelId}`;
  return [endpoint.locationId, endpoint.path].filter(Boolean).join(':') || endpoint.type || '—';
}
