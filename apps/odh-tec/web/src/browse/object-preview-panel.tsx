import {
  Alert,
  DrawerActions,
  DrawerCloseButton,
  DrawerHead,
  DrawerPanelBody,
  DrawerPanelContent,
  Title,
} from '@patternfly/react-core';
import { LoadingState } from '@platform/web/components/list-states.tsx';
import { useQuery } from '@tanstack/react-query';
import { previewUrl } from '../api/odh-tec-api.ts';
import { baseName } from './browse-address.ts';

interface Preview {
  text: string | null;
  contentType: string;
  truncated: boolean;
}

/** The first bytes as text when the server types them as text (it answers binary types otherwise). */
async function fetchPreview(url: string, signal: AbortSignal): Promise<Preview> {
  const response = await fetch(url, { credentials: 'same-origin', signal });
  if (!response.ok) throw new Error(`The preview failed (HTTP ${response.status})`);
  const contentType = response.headers.get('content-type') ?? '';
  const isText = contentType.startsWith('text/') || contentType.includes('json');
  return {
    text: isText ? await response.text() : null,
    contentType,
    truncated: response.headers.get('x-truncated') === 'true',
  };
}

/** Drawer panel with a text preview of one object (spec "Web UI": View). */
export function ObjectPreviewPanel(props: {
  locationId: string | undefined;
  bucket: string;
  objectKey: string;
  onClose: () => void;
}) {
  const url = previewUrl(props.locationId, props.bucket, props.objectKey);
  const preview = useQuery({
    queryKey: ['odh-tec', 'preview', url],
    queryFn: ({ signal }) => fetchPreview(url, signal),
  });
  return (
    <DrawerPanelContent widths={{ default: 'width_50' }}>
      <DrawerHead>
        <Title headingLevel="h2" size="lg">
          {baseName(props.objectKey)}
        </Title>
        <DrawerActions>
          <DrawerCloseButton onClick={props.onClose} />
        </DrawerActions>
      </DrawerHead>
      <DrawerPanelBody>
        {preview.isPending && <LoadingState label="Loading preview" />}
        {preview.error && <Alert variant="danger" isInline title={preview.error.message} />}
        {preview.data?.text === null && (
          <Alert variant="info" isInline title="No text preview">
            This object is {preview.data.contentType || 'binary'}; download it to open it.
          </Alert>
        )}
        {preview.data?.text != null && (
          <>
            <pre className="odh-tec-preview">{preview.data.text}</pre>
            {preview.data.truncated && <Alert variant="info" isInline isPlain title="Only the beginning is shown." />}
          </>
        )}
      </DrawerPanelBody>
    </DrawerPanelContent>
  );
}
