import { Title } from '@patternfly/react-core';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { RulesTable } from './rules-table.tsx';
import { Testbench } from './testbench.tsx';

/** Rules with enable toggles and counters, and the test bench (spec 02-opmas "Web UI": Rules). */
export function RulesPage() {
  return (
    <PlatformPage title="Rules" description="The rule pack the agents run, and a test bench for syslog lines.">
      <Title headingLevel="h2" size="lg" className="opmas-section-title opmas-first">
        Test bench
      </Title>
      <Testbench />
      <Title headingLevel="h2" size="lg" className="opmas-section-title">
        Rule pack
      </Title>
      <RulesTable />
    </PlatformPage>
  );
}
