import {
  Alert,
  Card,
  CardBody,
  CardTitle,
  Stack,
  StackItem,
  Title,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { segmentColors, VramBar } from './vram-bar.tsx';
import { type DisplayUnit, inUnit, type VramBreakdown } from './vram-breakdown.ts';

/** The estimate: total, stacked bar and the components table with a MiB/GiB switch. */
export function VramResultView({ breakdown, gpus }: { breakdown: VramBreakdown; gpus: number }) {
  const [unit, setUnit] = useState<DisplayUnit>('GiB');
  return (
    <Card>
      <CardTitle>
        <Title headingLevel="h2" size="xl" aria-label="Estimated total">
          Total on the first GPU: {inUnit(breakdown.totalFirstGpuBytes, unit)}
        </Title>
        {gpus > 1 && <div>Each further GPU: {inUnit(breakdown.totalOtherGpusBytes, unit)}</div>}
      </CardTitle>
      <CardBody>
        <Stack hasGutter>
          <StackItem>
            <ToggleGroup aria-label="Unit">
              {(['MiB', 'GiB'] as const).map((value) => (
                <ToggleGroupItem key={value} text={value} isSelected={unit === value} onChange={() => setUnit(value)} />
              ))}
            </ToggleGroup>
          </StackItem>
          <StackItem>
            <VramBar segments={breakdown.segments} unit={unit} />
          </StackItem>
          <StackItem>
            <Table aria-label="Memory components" variant="compact">
              <Thead>
                <Tr>
                  <Th>Component</Th>
                  <Th>Memory</Th>
                </Tr>
              </Thead>
              <Tbody>
                {breakdown.segments.map((segment, index) => (
                  <Tr key={segment.name}>
                    <Td dataLabel="Component">
                      <span
                        className="odh-tec-legend-swatch"
                        style={{ background: segmentColors[index % segmentColors.length] }}
                      />
                      {segment.name}
                    </Td>
                    <Td dataLabel="Memory">{inUnit(segment.bytes, unit)}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </StackItem>
          {breakdown.warnings.map((warning) => (
            <StackItem key={warning}>
              <Alert variant="warning" isInline isPlain title={warning} />
            </StackItem>
          ))}
        </Stack>
      </CardBody>
    </Card>
  );
}
