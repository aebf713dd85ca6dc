import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useCallback, useRef, useState } from 'react';
import { transferPath, uploadUrl } from '../api/odh-tec-api.ts';
import { newJobId, sendFile, type UploadHandle } from './upload-request.ts';

export type UploadState = 'uploading' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  jobId: string;
  name: string;
  size: number;
  sent: number;
  state: UploadState;
  error?: string;
}

/** Uploads files into one folder and tracks each one's bytes sent and outcome. */
export function useUploads(
  target: { locationId: string | undefined; bucket: string; prefix: string },
  onStored: () => void,
) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const handles = useRef(new Map<string, UploadHandle>());
  const update = useCallback((jobId: string, change: Partial<UploadItem>) => {
    setItems((all) => all.map((item) => (item.jobId === jobId ? { ...item, ...change } : item)));
  }, []);

  const start = (files: File[]) => {
    for (const file of files) {
      // The job id is chosen here so Cancel can also stop the server-side transfer before the response arrives.
      const jobId = newJobId();
      const url = uploadUrl({ ...target, key: `${target.prefix}${file.name}`, size: file.size, jobId });
      setItems((all) => [...all, { jobId, name: file.name, size: file.size, sent: 0, state: 'uploading' }]);
      const handle = sendFile(url, file, (sent) => update(jobId, { sent }));
      handles.current.set(jobId, handle);
      handle.done
        .then(() => {
          update(jobId, { state: 'done', sent: file.size });
          onStored();
        })
        .catch((error: Error) => {
          if (error.name !== 'AbortError') update(jobId, { state: 'failed', error: error.message });
        })
        .finally(() => handles.current.delete(jobId));
    }
  };

  const cancel = (jobId: string) => {
    handles.current.get(jobId)?.abort();
    update(jobId, { state: 'cancelled' });
    // The transfer row may not exist yet (the request was aborted early); a 404 then means nothing to stop.
    apiFetch(transferPath(jobId), { method: 'DELETE' }).catch(() => undefined);
  };

  const cancelAll = () => {
    for (const jobId of handles.current.keys()) cancel(jobId);
  };

  return { items, start, cancel, cancelAll, busy: items.some((item) => item.state === 'uploading') };
}
