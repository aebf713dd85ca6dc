// Browser uploads go through XMLHttpRequest because fetch has no upload progress events; `upload.onprogress`
// reports the bytes sent, which is what the per-file bar shows (spec "Web UI": Upload modal).

export interface UploadHandle {
  /** Settles when the server answered (or the request failed or was aborted). */
  done: Promise<void>;
  abort: () => void;
}

/** A random RFC 4122 v4 id; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function newJobId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function errorMessage(request: XMLHttpRequest): string {
  try {
    const parsed = JSON.parse(request.responseText) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // Not the kernel's error shape: report the status.
  }
  return `The upload failed (HTTP ${request.status})`;
}

/** POSTs one file as multipart part `file`, reporting the bytes sent. */
export function sendFile(url: string, file: File, onProgress: (sent: number) => void): UploadHandle {
  const request = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => (request.status < 300 ? resolve() : reject(new Error(errorMessage(request))));
    request.onerror = () => reject(new Error('The server could not be reached'));
    request.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
  });
  const form = new FormData();
  form.append('file', file);
  request.open('POST', url);
  request.withCredentials = true;
  request.setRequestHeader('accept', 'application/json');
  request.send(form);
  return { done, abort: () => request.abort() };
}
