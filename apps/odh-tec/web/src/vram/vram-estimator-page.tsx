import { ToggleGroup, ToggleGroupItem } from '@patternfly/react-core';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useState } from 'react';
import { ClassicEstimate } from './classic-estimate.tsx';
import { DetailedEstimate } from './detailed-estimate.tsx';

type Mode = 'classic' | 'detailed';

/** VRAM Estimator with its Classic/Detailed switch (spec 01-odh-tec "Web UI"). */
export function VramEstimatorPage() {
  const [mode, setMode] = useState<Mode>('classic');
  return (
    <PlatformPage
      title="VRAM Estimator"
      description="Approximate GPU memory a model needs for inference."
      actions={
        <ToggleGroup aria-label="Estimator mode">
          <ToggleGroupItem text="Classic" isSelected={mode === 'classic'} onChange={() => setMode('classic')} />
          <ToggleGroupItem text="Detailed" isSelected={mode === 'detailed'} onChange={() => setMode('detailed')} />
        </ToggleGroup>
      }
    >
      {mode === 'classic' ? <ClassicEstimate /> : <DetailedEstimate />}
    </PlatformPage>
  );
}
